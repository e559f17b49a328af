namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// Ends an episode after <see cref="MaxEpisodeSteps"/> steps by <em>truncation</em>: the step reports
/// <c>Truncated</c>, never <c>Terminated</c>, so learners bootstrap through it. A step that terminates on
/// the last allowed step is reported as terminated only. Stepping a finished episode is an error.
/// </summary>
public sealed class TimeLimit : IEnvironment
{
    private readonly IEnvironment _inner;
    private int _elapsedSteps;
    private bool _needsReset = true;

    public TimeLimit(IEnvironment inner, int? maxEpisodeSteps = null)
    {
        int limit = maxEpisodeSteps ?? inner.MaxEpisodeSteps;
        if (limit <= 0) throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), limit, "must be positive");
        _inner = inner;
        MaxEpisodeSteps = limit;
    }

    public IEnvironment Inner => _inner;
    public string Name => _inner.Name;
    public BoxSpace ObservationSpace => _inner.ObservationSpace;
    public BoxSpace ActionSpace => _inner.ActionSpace;
    public int MaxEpisodeSteps { get; }

    /// <summary>Steps taken in the current episode.</summary>
    public int ElapsedSteps => _elapsedSteps;

    public int StateLength => _inner.StateLength + 2;

    public void Reset(ulong seed, Span<float> observation)
    {
        _inner.Reset(seed, observation);
        StartEpisode();
    }

    public void Reset(Span<float> observation)
    {
        _inner.Reset(observation);
        StartEpisode();
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> nextObservation)
    {
        if (_needsReset)
            throw new InvalidOperationException($"{Name}: Step called on a finished or never-started episode; call Reset first");
        StepResult inner = _inner.Step(action, nextObservation);
        _elapsedSteps++;
        bool truncated = !inner.Terminated && (inner.Truncated || _elapsedSteps >= MaxEpisodeSteps);
        var result = new StepResult(inner.Reward, inner.Terminated, truncated);
        _needsReset = result.Finished;
        return result;
    }

    public void SaveState(Span<long> state)
    {
        StateWords.CheckLength(state.Length, StateLength, Name);
        _inner.SaveState(state[..^2]);
        state[^2] = _elapsedSteps;
        state[^1] = _needsReset ? 1 : 0;
    }

    public void RestoreState(ReadOnlySpan<long> state)
    {
        StateWords.CheckLength(state.Length, StateLength, Name);
        _inner.RestoreState(state[..^2]);
        _elapsedSteps = checked((int)state[^2]);
        _needsReset = state[^1] != 0;
    }

    private void StartEpisode()
    {
        _elapsedSteps = 0;
        _needsReset = false;
    }
}
