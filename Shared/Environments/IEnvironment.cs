namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// A Gymnasium-like environment. Observations are written into caller-provided spans, so stepping
/// allocates nothing. Raw environments take actions in their own <see cref="ActionSpace"/>; the agent
/// always acts in [-1, 1]^d through <see cref="RescaledActions"/> (see <see cref="EnvironmentRegistry.Make"/>).
/// </summary>
public interface IEnvironment
{
    /// <summary>The registry name, e.g. "multigoal".</summary>
    string Name { get; }

    BoxSpace ObservationSpace { get; }
    BoxSpace ActionSpace { get; }
    int ObservationDim => ObservationSpace.Dimension;
    int ActionDim => ActionSpace.Dimension;

    /// <summary>Steps per episode before a time-limit truncation (enforced by <see cref="TimeLimit"/>).</summary>
    int MaxEpisodeSteps { get; }

    /// <summary>Reseeds the environment's generator and starts a new episode.</summary>
    void Reset(ulong seed, Span<float> observation);

    /// <summary>Starts a new episode, continuing the generator's stream.</summary>
    void Reset(Span<float> observation);

    /// <summary>Applies <paramref name="action"/> and writes the observation it leads to.</summary>
    StepResult Step(ReadOnlySpan<float> action, Span<float> nextObservation);

    /// <summary>
    /// Length of the <see cref="SaveState"/> snapshot: everything that decides future steps (physical state,
    /// step counter, generator state), so a checkpoint can resume mid-episode exactly.
    /// </summary>
    int StateLength { get; }

    /// <summary>Writes the complete dynamic state as <see cref="StateLength"/> 64-bit words.</summary>
    void SaveState(Span<long> state);

    /// <summary>Restores a state written by <see cref="SaveState"/> on an environment of the same kind.</summary>
    void RestoreState(ReadOnlySpan<long> state);
}
