using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

public sealed class MultiGoalTests
{
    private static MultiGoal PlacedAt(float x, float y) => StatePlacement.At<MultiGoal>(x, y);

    [Fact]
    public void Step_clips_the_action_and_charges_action_and_distance_cost_at_the_new_position()
    {
        MultiGoal env = PlacedAt(0f, 0f);
        var next = new float[2];

        StepResult result = env.Step([2f, -3f], next);

        // a -> (1, -1); s' = (1, -1); 30 * 2 + min(17, 37, 37, 17) = 77.
        Assert.Equal([1f, -1f], next);
        Assert.Equal(-77f, result.Reward);
        Assert.False(result.Terminated);
        Assert.False(result.Truncated);
    }

    [Fact]
    public void Reaching_a_goal_adds_the_goal_reward_and_terminates()
    {
        MultiGoal env = PlacedAt(4f, 0.5f);
        var next = new float[2];

        StepResult result = env.Step([0.5f, 0f], next);

        // s' = (4.5, 0.5): distance^2 to (5, 0) is 0.5 < 1; -(30 * 0.25 + 0.5) + 10 = 2.
        Assert.Equal([4.5f, 0.5f], next);
        Assert.Equal(2f, result.Reward);
        Assert.True(result.Terminated);
        Assert.False(result.Truncated);
        Assert.Equal(0, MultiGoal.GoalIndexAt(next));
    }

    [Fact]
    public void Position_is_clipped_to_the_box()
    {
        MultiGoal env = PlacedAt(6.5f, 6.8f);
        var next = new float[2];

        StepResult result = env.Step([1f, 1f], next);

        // s' = (7, 7); 30 * 2 + min(4 + 49, 144 + 49, 49 + 4, 49 + 144) = 113.
        Assert.Equal([7f, 7f], next);
        Assert.Equal(-113f, result.Reward);
    }

    [Fact]
    public void Goal_indices_follow_the_reported_order()
    {
        Assert.Equal(0, MultiGoal.GoalIndexAt([4.5f, 0f]));
        Assert.Equal(1, MultiGoal.GoalIndexAt([-5f, 0.5f]));
        Assert.Equal(2, MultiGoal.GoalIndexAt([0f, 5.9f]));
        Assert.Equal(3, MultiGoal.GoalIndexAt([0.2f, -4.5f]));
        Assert.Equal(-1, MultiGoal.GoalIndexAt([0f, 0f]));
        Assert.Equal(-1, MultiGoal.GoalIndexAt([6f, 0f])); // distance exactly 1 is not inside
    }

    [Fact]
    public void Goal_cost_is_the_squared_distance_to_the_nearest_goal()
    {
        Assert.Equal(0.0, MultiGoal.GoalCost(0, -5));
        Assert.Equal(25.0, MultiGoal.GoalCost(0, 0));
        Assert.Equal(17.0, MultiGoal.GoalCost(1, -1));
    }

    [Fact]
    public void Initial_position_is_normal_with_standard_deviation_one_tenth()
    {
        var env = new MultiGoal();
        var observation = new float[2];
        env.Reset(7, observation);
        double sum = 0, sumSquares = 0;
        const int Episodes = 4000;
        for (int i = 0; i < Episodes; i++)
        {
            env.Reset(observation);
            sum += observation[0] + observation[1];
            sumSquares += observation[0] * observation[0] + observation[1] * observation[1];
        }
        double mean = sum / (2 * Episodes);
        double std = Math.Sqrt(sumSquares / (2 * Episodes) - mean * mean);
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(std, 0.095, 0.105);
    }

    [Fact]
    public void Same_seed_gives_the_same_start_and_other_seeds_differ()
    {
        var a = new float[2];
        var b = new float[2];
        var c = new float[2];
        new MultiGoal().Reset(3, a);
        new MultiGoal().Reset(3, b);
        new MultiGoal().Reset(4, c);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Agent_facing_multigoal_truncates_after_30_steps_without_terminating()
    {
        IEnvironment env = EnvironmentRegistry.Default.Make("multigoal");
        var observation = new float[2];
        env.Reset(1, observation);
        Assert.Equal(30, env.MaxEpisodeSteps);

        for (int step = 1; step < 30; step++)
        {
            StepResult result = env.Step([0f, 0f], observation);
            Assert.False(result.Finished, $"step {step} ended the episode");
        }
        StepResult last = env.Step([0f, 0f], observation);
        Assert.True(last.Truncated);
        Assert.False(last.Terminated);
    }
}
