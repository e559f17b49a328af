using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

/// <summary>MultiGoal with some of its goals, as composition's tasks are: the others neither cost, reward nor end an episode.</summary>
public sealed class MultiGoalVariantTests
{
    private static MultiGoal PlacedAt(MultiGoal env, float x, float y)
    {
        env.Reset(1, new float[2]);
        var state = new long[env.StateLength];
        env.SaveState(state);
        (state[0], state[1]) = (StateWords.FromDouble(x), StateWords.FromDouble(y));
        env.RestoreState(state);
        return env;
    }

    [Fact]
    public void A_goal_left_out_neither_rewards_nor_ends_the_episode()
    {
        MultiGoal env = PlacedAt(new MultiGoal([0, 2]), -4.5f, 0f);
        var next = new float[2];

        StepResult result = env.Step([-0.5f, 0f], next);

        // s' = (−5, 0), on goal 1, which this task does not keep: cost to the nearest kept goal, (0, 5): 25 + 25.
        Assert.False(result.Terminated);
        Assert.Equal(-(30f * 0.25f + 50f), result.Reward);
    }

    [Fact]
    public void A_kept_goal_rewards_and_ends_the_episode()
    {
        MultiGoal env = PlacedAt(new MultiGoal([2, 0]), 0f, 4.5f);
        var next = new float[2];

        StepResult result = env.Step([0f, 0.5f], next);

        Assert.True(result.Terminated);
        Assert.Equal(-(30f * 0.25f) + 10f, result.Reward);
        Assert.Equal([0, 2], env.Goals);
    }

    [Fact]
    public void The_goal_cost_of_a_subset_is_the_distance_to_its_nearest_goal()
    {
        Assert.Equal(25.0, MultiGoal.GoalCost(0, 0, [1]));
        Assert.Equal(100.0, MultiGoal.GoalCost(5, 0, [1]));
        Assert.Equal(0.0, MultiGoal.GoalCost(5, 0, [0, 1]));
    }

    [Theory]
    [InlineData(new[] { 2, 0 }, "multigoal:goals=0,2")]
    [InlineData(new[] { 1 }, "multigoal:goals=1")]
    [InlineData(new[] { 3, 2, 1, 0 }, "multigoal")]
    public void Variant_names_list_the_goals_in_order(int[] goals, string name)
    {
        Assert.Equal(name, MultiGoal.VariantName(goals));
        var env = (MultiGoal)EnvironmentRegistry.Default.Get(name).CreateRaw();
        Assert.Equal(goals.Order(), env.Goals);
    }

    [Fact]
    public void The_registry_builds_a_variant_from_its_name()
    {
        IEnvironment env = EnvironmentRegistry.Default.Make("MultiGoal:goals=0,2");
        Assert.Equal((2, 2, 30), (env.ObservationDim, env.ActionDim, env.MaxEpisodeSteps));
        Assert.Equal("multigoal", EnvironmentRegistry.BaseName("multigoal:goals=0,2"));
        Assert.True(EnvironmentRegistry.Default.Contains("multigoal:goals=1"));
        Assert.Equal("multigoal:goals=0,2", EnvironmentRegistry.Default.Canonical("MultiGoal:goals=0,2"));
    }

    [Theory]
    [InlineData("multigoal:goals=4", "Environment 'multigoal:goals=4': goal index 4 is out of range")]
    [InlineData("multigoal:goals=1,1", "name a goal twice")]
    [InlineData("multigoal:goals=", "goal '' is not a goal index")]
    [InlineData("multigoal:walls=2", "MultiGoal takes one option, goals=I,J,...")]
    [InlineData("pendulum:goals=1", "Environment 'pendulum:goals=1': pendulum takes no options")]
    public void Bad_options_are_refused_by_name(string name, string expected)
    {
        var error = Assert.Throws<UnknownEnvironmentException>(() => EnvironmentRegistry.Default.Get(name));
        Assert.Contains(expected, error.Message);
        Assert.Equal(name, error.RequestedName);
    }
}
