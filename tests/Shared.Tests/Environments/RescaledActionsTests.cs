using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

public sealed class RescaledActionsTests
{
    [Theory]
    [InlineData(-1f, 0f)]
    [InlineData(0f, 5f)]
    [InlineData(0.5f, 7.5f)]
    [InlineData(1f, 10f)]
    [InlineData(3f, 10f)]
    [InlineData(-2f, 0f)]
    public void Unit_actions_map_affinely_onto_the_inner_bounds_and_are_clipped(float agentAction, float expected)
    {
        var inner = new ScriptedEnvironment(terminateAfter: null, actionLow: 0f, actionHigh: 10f);
        var env = new RescaledActions(inner);
        env.Reset(0, new float[2]);

        env.Step([agentAction], new float[2]);

        Assert.Equal(expected, inner.LastAction, 1e-6f);
    }

    [Fact]
    public void The_agent_sees_the_unit_box_and_the_inner_observation_space()
    {
        var env = new RescaledActions(new Pendulum());
        Assert.Equal([-1f], env.ActionSpace.Low.ToArray());
        Assert.Equal([1f], env.ActionSpace.High.ToArray());
        Assert.Equal(3, env.ObservationSpace.Dimension);
    }

    [Fact]
    public void Full_agent_action_gives_pendulum_full_torque()
    {
        var env = new RescaledActions(new Pendulum());
        var torque = new float[1];
        env.MapAction([1f], torque);
        Assert.Equal(2f, torque[0]);
        env.MapAction([-0.25f], torque);
        Assert.Equal(-0.5f, torque[0]);
    }

    [Fact]
    public void Wrong_action_length_is_refused_clearly()
    {
        var env = new RescaledActions(new Pendulum());
        var error = Assert.Throws<ArgumentException>(() => env.MapAction([0f, 0f], new float[1]));
        Assert.Contains("takes 1 action value", error.Message);
    }
}
