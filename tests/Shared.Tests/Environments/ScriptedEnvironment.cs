using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

/// <summary>
/// A test double: a 1-D counter that terminates after <c>terminateAfter</c> steps (never, if null), rewards
/// each step with the action's first value, and observes (episode index, step index).
/// </summary>
internal sealed class ScriptedEnvironment(int? terminateAfter, int maxEpisodeSteps = 100, float actionLow = -1f, float actionHigh = 1f) : IEnvironment
{
    private int _episode = -1;
    private int _step;

    public string Name => "scripted";
    public BoxSpace ObservationSpace { get; } = BoxSpace.Uniform(2, 0f, 1e6f);
    public BoxSpace ActionSpace { get; } = BoxSpace.Uniform(1, actionLow, actionHigh);
    public int MaxEpisodeSteps => maxEpisodeSteps;
    public int StateLength => 2;
    public float LastAction { get; private set; }

    public void Reset(ulong seed, Span<float> observation)
    {
        _episode = -1;
        Reset(observation);
    }

    public void Reset(Span<float> observation)
    {
        _episode++;
        _step = 0;
        observation[0] = _episode;
        observation[1] = _step;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> nextObservation)
    {
        LastAction = action[0];
        _step++;
        nextObservation[0] = _episode;
        nextObservation[1] = _step;
        return new StepResult(action[0], Terminated: _step == terminateAfter, Truncated: false);
    }

    public void SaveState(Span<long> state)
    {
        state[0] = _episode;
        state[1] = _step;
    }

    public void RestoreState(ReadOnlySpan<long> state)
    {
        _episode = (int)state[0];
        _step = (int)state[1];
    }
}
