using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

public sealed class TimeLimitTests
{
    [Fact]
    public void The_limit_truncates_and_never_reports_termination()
    {
        var env = new TimeLimit(new ScriptedEnvironment(terminateAfter: null), maxEpisodeSteps: 3);
        var observation = new float[2];
        env.Reset(0, observation);

        Assert.Equal(new StepResult(1f, false, false), env.Step([1f], observation));
        Assert.Equal(new StepResult(1f, false, false), env.Step([1f], observation));
        Assert.Equal(new StepResult(1f, Terminated: false, Truncated: true), env.Step([1f], observation));
    }

    [Fact]
    public void Termination_on_the_last_allowed_step_is_termination_only()
    {
        var env = new TimeLimit(new ScriptedEnvironment(terminateAfter: 3), maxEpisodeSteps: 3);
        var observation = new float[2];
        env.Reset(0, observation);
        env.Step([0f], observation);
        env.Step([0f], observation);

        StepResult last = env.Step([0f], observation);

        Assert.True(last.Terminated);
        Assert.False(last.Truncated);
    }

    [Fact]
    public void The_default_limit_is_the_inner_horizon()
    {
        Assert.Equal(30, new TimeLimit(new MultiGoal()).MaxEpisodeSteps);
        Assert.Equal(200, new TimeLimit(new Pendulum()).MaxEpisodeSteps);
        Assert.Equal(7, new TimeLimit(new Pendulum(), 7).MaxEpisodeSteps);
    }

    [Fact]
    public void Stepping_a_finished_episode_is_an_error_until_reset()
    {
        var env = new TimeLimit(new ScriptedEnvironment(terminateAfter: 1));
        var observation = new float[2];
        Assert.Throws<InvalidOperationException>(() => env.Step([0f], observation));
        env.Reset(0, observation);
        env.Step([0f], observation);
        Assert.Throws<InvalidOperationException>(() => env.Step([0f], observation));
        env.Reset(observation);
        Assert.Equal(0, env.ElapsedSteps);
        env.Step([0f], observation);
    }

    [Fact]
    public void Saved_state_resumes_the_episode_exactly()
    {
        IEnvironment original = EnvironmentRegistry.Default.Make("pendulum");
        var observation = new float[3];
        original.Reset(9, observation);
        for (int i = 0; i < 150; i++) original.Step([0.7f], observation);
        var state = new long[original.StateLength];
        original.SaveState(state);

        IEnvironment restored = EnvironmentRegistry.Default.Make("pendulum");
        restored.RestoreState(state);
        var restoredObservation = new float[3];
        for (int i = 0; i < 50; i++)
        {
            StepResult expected = original.Step([-0.4f], observation);
            StepResult actual = restored.Step([-0.4f], restoredObservation);
            Assert.Equal(expected, actual);
            Assert.Equal(observation, restoredObservation);
        }
        Assert.Throws<InvalidOperationException>(() => restored.Step([0f], restoredObservation));
    }
}
