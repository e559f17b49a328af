using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

public sealed class PendulumTests
{
    private static Pendulum PlacedAt(double theta, double thetaDot) => StatePlacement.At<Pendulum>(theta, thetaDot);

    [Fact]
    public void Step_follows_gym_update_order_and_costs_the_state_before_the_step()
    {
        Pendulum env = PlacedAt(0.5, -0.3);
        var next = new float[3];

        StepResult result = env.Step([1.5f], next);

        // cost = 0.25 + 0.1 * 0.09 + 0.001 * 2.25 = 0.26125
        // newthdot = -0.3 + (15 sin 0.5 + 3 * 1.5) * 0.05 = 0.28456915395315224
        // newth = 0.5 + newthdot * 0.05 = 0.5142284576976576
        Assert.Equal(-0.26125f, result.Reward);
        Assert.Equal((float)0.8706724746989368, next[0]);
        Assert.Equal((float)0.4918632348545977, next[1]);
        Assert.Equal((float)0.28456915395315224, next[2]);
        Assert.False(result.Terminated);
        Assert.False(result.Truncated);
    }

    [Fact]
    public void Torque_is_clipped_to_two()
    {
        var clipped = new float[3];
        var atLimit = new float[3];
        StepResult over = PlacedAt(0.5, -0.3).Step([5f], clipped);
        StepResult exact = PlacedAt(0.5, -0.3).Step([2f], atLimit);
        Assert.Equal(exact.Reward, over.Reward);
        Assert.Equal(atLimit, clipped);
    }

    [Fact]
    public void Speed_is_clipped_to_eight_before_the_angle_moves()
    {
        Pendulum env = PlacedAt(Math.PI / 2, 7.9);
        var next = new float[3];

        env.Step([2f], next);

        // 7.9 + (15 + 6) * 0.05 = 8.95 -> 8; angle pi/2 + 8 * 0.05.
        Assert.Equal(8f, next[2]);
        Assert.Equal((float)Math.Cos(Math.PI / 2 + 0.4), next[0]);
        Assert.Equal((float)Math.Sin(Math.PI / 2 + 0.4), next[1]);
    }

    [Fact]
    public void Cost_uses_the_normalised_angle()
    {
        StepResult wrapped = PlacedAt(2 * Math.PI + 0.1, 0).Step([0f], new float[3]);
        Assert.Equal(-0.01f, wrapped.Reward, 1e-6f);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1.5 * Math.PI, -0.5 * Math.PI)]
    [InlineData(-1.5 * Math.PI, 0.5 * Math.PI)]
    [InlineData(Math.PI, -Math.PI)]
    [InlineData(7.0, 7.0 - 2 * Math.PI)]
    public void Angle_normalize_wraps_into_minus_pi_to_pi(double angle, double expected)
    {
        Assert.Equal(expected, Pendulum.AngleNormalize(angle), 12);
    }

    [Fact]
    public void Reset_draws_angle_and_speed_from_the_gym_ranges()
    {
        var env = new Pendulum();
        var observation = new float[3];
        env.Reset(11, observation);
        for (int i = 0; i < 500; i++)
        {
            env.Reset(observation);
            Assert.Equal(1f, observation[0] * observation[0] + observation[1] * observation[1], 1e-5f);
            Assert.InRange(observation[2], -1f, 1f);
        }
    }

    [Fact]
    public void Agent_facing_pendulum_runs_200_steps_and_is_truncated_never_terminated()
    {
        IEnvironment env = EnvironmentRegistry.Default.Make("Pendulum");
        var observation = new float[3];
        env.Reset(5, observation);
        int steps = 0;
        StepResult result;
        do
        {
            result = env.Step([0.3f], observation);
            steps++;
            Assert.False(result.Terminated);
        } while (!result.Finished);
        Assert.Equal(200, steps);
        Assert.True(result.Truncated);
    }
}
