namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// Lets the agent act in [-1, 1]^d: clips the action to that square and maps it affinely onto the inner
/// environment's action box (<c>low + (a + 1) / 2 * (high - low)</c>), like rllab's <c>normalize</c>.
/// </summary>
public sealed class RescaledActions : IEnvironment
{
    private readonly IEnvironment _inner;
    private readonly float[] _innerAction;

    public RescaledActions(IEnvironment inner)
    {
        _inner = inner;
        _innerAction = new float[inner.ActionSpace.Dimension];
        ActionSpace = BoxSpace.Uniform(_innerAction.Length, -1f, 1f);
    }

    public IEnvironment Inner => _inner;
    public string Name => _inner.Name;
    public BoxSpace ObservationSpace => _inner.ObservationSpace;
    public BoxSpace ActionSpace { get; }
    public int MaxEpisodeSteps => _inner.MaxEpisodeSteps;
    public int StateLength => _inner.StateLength;

    /// <summary>Writes the inner environment's action for the agent's <paramref name="action"/>.</summary>
    public void MapAction(ReadOnlySpan<float> action, Span<float> innerAction)
    {
        if (action.Length != _innerAction.Length)
            throw new ArgumentException($"{Name} takes {_innerAction.Length} action values, got {action.Length}");
        ReadOnlySpan<float> low = _inner.ActionSpace.Low;
        ReadOnlySpan<float> high = _inner.ActionSpace.High;
        for (int i = 0; i < action.Length; i++)
        {
            float unit = Math.Clamp(action[i], -1f, 1f);
            innerAction[i] = Math.Clamp(low[i] + (unit + 1f) * 0.5f * (high[i] - low[i]), low[i], high[i]);
        }
    }

    public void Reset(ulong seed, Span<float> observation) => _inner.Reset(seed, observation);

    public void Reset(Span<float> observation) => _inner.Reset(observation);

    public StepResult Step(ReadOnlySpan<float> action, Span<float> nextObservation)
    {
        MapAction(action, _innerAction);
        return _inner.Step(_innerAction, nextObservation);
    }

    public void SaveState(Span<long> state) => _inner.SaveState(state);

    public void RestoreState(ReadOnlySpan<long> state) => _inner.RestoreState(state);
}
