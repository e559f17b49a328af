using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

public sealed class VectorEnvironmentTests
{
    [Fact]
    public void Finished_episodes_are_reset_in_the_same_step_and_report_final_observation_and_return()
    {
        // Environments terminate after 2, 3 and never (limit 4) steps; reward = action.
        var vector = new VectorEnvironment(
        [
            new TimeLimit(new ScriptedEnvironment(terminateAfter: 2), 4),
            new TimeLimit(new ScriptedEnvironment(terminateAfter: 3), 4),
            new TimeLimit(new ScriptedEnvironment(terminateAfter: null), 4),
        ]);
        var observations = new float[3 * 2];
        vector.Reset(1, observations);
        float[] actions = [0.5f, 0.25f, 1f];

        vector.Step(actions, observations);
        Assert.False(vector.Finished(0) || vector.Finished(1) || vector.Finished(2));
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 1f], observations);

        vector.Step(actions, observations);
        Assert.True(vector.Terminated[0]);
        Assert.False(vector.Truncated[0]);
        Assert.Equal(1f, vector.EpisodeReturns[0]);
        Assert.Equal(2, vector.EpisodeLengths[0]);
        Assert.Equal([0f, 2f], vector.NextObservations[..2].ToArray()); // the state reached: s' of the transition
        Assert.Equal([1f, 0f], observations[..2]); // episode 1, step 0: the reset observation to act on
        Assert.Equal([0f, 2f], observations[2..4]);

        vector.Step(actions, observations);
        Assert.False(vector.Finished(0));
        Assert.True(vector.Terminated[1]);
        Assert.Equal(0.75f, vector.EpisodeReturns[1]);
        Assert.Equal(3, vector.EpisodeLengths[1]);

        vector.Step(actions, observations);
        Assert.True(vector.Truncated[2]);
        Assert.False(vector.Terminated[2]);
        Assert.Equal(4f, vector.EpisodeReturns[2]);
        Assert.Equal(4, vector.EpisodeLengths[2]);
        Assert.Equal([0f, 4f], vector.NextObservations[4..].ToArray());
        Assert.Equal([1f, 0f], observations[4..]);
        Assert.True(vector.Terminated[0]); // second episode of env 0 also lasted 2 steps
        Assert.Equal([2f, 0f], observations[..2]);
    }

    [Fact]
    public void Multigoal_vector_returns_sum_the_rewards_of_each_episode()
    {
        VectorEnvironment vector = EnvironmentRegistry.Default.MakeVector("multigoal", 3);
        var observations = new float[3 * 2];
        vector.Reset(42, observations);
        float[] actions = [1f, 0f, -1f, 0f, 0f, 0f];
        var goalsReached = new List<int>();
        var sums = new double[3];
        for (int step = 0; step < 30; step++)
        {
            vector.Step(actions, observations);
            for (int i = 0; i < 3; i++)
            {
                if (vector.Finished(i)) Assert.Equal((float)(sums[i] + vector.Rewards[i]), vector.EpisodeReturns[i], 1e-3f);
                if (vector.Terminated[i]) goalsReached.Add(MultiGoal.GoalIndexAt(vector.NextObservations.Slice(i * 2, 2)));
                sums[i] = vector.Finished(i) ? 0 : sums[i] + vector.Rewards[i];
            }
        }
        // Goals (5, 0) and (-5, 0) are reached every 4 or 5 steps; the resting third env times out at step 30.
        Assert.Contains(0, goalsReached);
        Assert.Contains(1, goalsReached);
        Assert.DoesNotContain(-1, goalsReached);
        Assert.True(vector.Truncated[2]);
        Assert.Equal(30, vector.EpisodeLengths[2]);
    }

    [Fact]
    public void Environments_get_different_streams_and_the_vector_is_reproducible()
    {
        var a = new float[4 * 2];
        var b = new float[4 * 2];
        EnvironmentRegistry.Default.MakeVector("multigoal", 4).Reset(8, a);
        EnvironmentRegistry.Default.MakeVector("multigoal", 4).Reset(8, b);
        Assert.Equal(a, b);
        Assert.NotEqual(a[..2], a[2..4]);
    }

    [Fact]
    public void Saved_state_resumes_every_environment_and_running_return()
    {
        VectorEnvironment original = EnvironmentRegistry.Default.MakeVector("pendulum", 2);
        var observations = new float[2 * 3];
        original.Reset(3, observations);
        float[] actions = [0.5f, -0.5f];
        for (int i = 0; i < 120; i++) original.Step(actions, observations);
        var state = new long[original.StateLength];
        original.SaveState(state);

        VectorEnvironment restored = EnvironmentRegistry.Default.MakeVector("pendulum", 2);
        restored.RestoreState(state);
        var restoredObservations = (float[])observations.Clone();
        bool crossedAnEpisodeEnd = false;
        for (int i = 0; i < 100; i++)
        {
            original.Step(actions, observations);
            restored.Step(actions, restoredObservations);
            Assert.Equal(observations, restoredObservations);
            if (restored.Finished(0))
            {
                crossedAnEpisodeEnd = true;
                Assert.Equal(original.EpisodeReturns.ToArray(), restored.EpisodeReturns.ToArray());
                Assert.Equal(200, restored.EpisodeLengths[0]);
            }
        }
        Assert.True(crossedAnEpisodeEnd);
    }

    [Theory]
    [InlineData("multigoal")]
    [InlineData("pendulum")]
    public void Stepping_with_auto_resets_allocates_nothing(string name)
    {
        VectorEnvironment vector = EnvironmentRegistry.Default.MakeVector(name, 4);
        var observations = new float[vector.Count * vector.ObservationDim];
        var actions = new float[vector.Count * vector.ActionDim];
        Array.Fill(actions, 0.9f);
        vector.Reset(1, observations);
        for (int i = 0; i < 300; i++) vector.Step(actions, observations); // warm up the JIT

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) vector.Step(actions, observations); // crosses several episode ends
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Mismatched_buffers_are_refused_clearly()
    {
        VectorEnvironment vector = EnvironmentRegistry.Default.MakeVector("multigoal", 2);
        var error = Assert.Throws<ArgumentException>(() => vector.Reset(0, new float[3]));
        Assert.Contains("expected 4 values", error.Message);
    }
}
