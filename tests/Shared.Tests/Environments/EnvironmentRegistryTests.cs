using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

public sealed class EnvironmentRegistryTests
{
    [Theory]
    [InlineData("multigoal", 2, 2)]
    [InlineData("MultiGoal", 2, 2)]
    [InlineData("PENDULUM", 3, 1)]
    public void Names_are_found_case_insensitively(string name, int observationDim, int actionDim)
    {
        IEnvironment env = EnvironmentRegistry.Default.Make(name);
        Assert.Equal(observationDim, env.ObservationDim);
        Assert.Equal(actionDim, env.ActionDim);
        Assert.Equal(-1f, env.ActionSpace.Low[0]);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones()
    {
        var error = Assert.Throws<UnknownEnvironmentException>(() => EnvironmentRegistry.Default.Make("cartpole"));
        Assert.Equal("Unknown environment 'cartpole'. Known environments: ant, halfcheetah, hopper, humanoid, multigoal, pendulum, swimmer, tworoutes, walker2d.", error.Message);
        Assert.Equal("cartpole", error.RequestedName);
    }

    [Fact]
    public void A_new_environment_plugs_in_with_one_registration()
    {
        var registry = new EnvironmentRegistry()
            .Register(new("scripted", "test double", () => new ScriptedEnvironment(terminateAfter: 2)));
        VectorEnvironment vector = registry.MakeVector("Scripted", 2);
        Assert.Equal(2, vector.Count);
        Assert.Equal(["scripted"], registry.Names);
    }

    [Fact]
    public void Registering_a_name_twice_is_refused()
    {
        var registry = new EnvironmentRegistry().Register(new("a", "first", () => new MultiGoal()));
        Assert.Throws<ArgumentException>(() => registry.Register(new("A", "second", () => new Pendulum())));
    }
}
