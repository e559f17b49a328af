using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// E environments stepped in lockstep over flat row-major arrays: observations [E*obs], actions [E*act].
/// A finished episode (terminated or truncated) is reset in the same step: the observations handed back
/// to act on are the reset ones, while <see cref="NextObservations"/> keeps the state each environment
/// actually reached (the s' of the transition) and <see cref="EpisodeReturns"/> the finished episode's return.
/// Nothing is allocated per step.
/// </summary>
public sealed class VectorEnvironment
{
    private readonly IEnvironment[] _environments;
    private readonly float[] _nextObservations;
    private readonly float[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly float[] _episodeReturns;
    private readonly int[] _episodeLengths;
    private readonly double[] _runningReturns;
    private readonly int[] _runningLengths;

    public VectorEnvironment(IReadOnlyList<IEnvironment> environments)
    {
        if (environments.Count == 0) throw new ArgumentException("a vector environment needs at least one environment");
        IEnvironment first = environments[0];
        for (int i = 1; i < environments.Count; i++)
        {
            IEnvironment env = environments[i];
            if (env.ObservationSpace.Dimension != first.ObservationSpace.Dimension
                || env.ActionSpace.Dimension != first.ActionSpace.Dimension)
                throw new ArgumentException($"environment {i} ({env.Name}) has other dimensions than environment 0 ({first.Name})");
        }
        _environments = [.. environments];
        Count = _environments.Length;
        ObservationDim = first.ObservationSpace.Dimension;
        ActionDim = first.ActionSpace.Dimension;
        _nextObservations = new float[Count * ObservationDim];
        _rewards = new float[Count];
        _terminated = new bool[Count];
        _truncated = new bool[Count];
        _episodeReturns = new float[Count];
        _episodeLengths = new int[Count];
        _runningReturns = new double[Count];
        _runningLengths = new int[Count];
    }

    public int Count { get; }
    public int ObservationDim { get; }
    public int ActionDim { get; }
    public string Name => _environments[0].Name;
    public BoxSpace ObservationSpace => _environments[0].ObservationSpace;
    public BoxSpace ActionSpace => _environments[0].ActionSpace;
    public int MaxEpisodeSteps => _environments[0].MaxEpisodeSteps;
    public IReadOnlyList<IEnvironment> Environments => _environments;

    /// <summary>After <see cref="Step"/>: the state each environment reached, before any auto-reset ([E*obs]).</summary>
    public ReadOnlySpan<float> NextObservations => _nextObservations;

    public ReadOnlySpan<float> Rewards => _rewards;
    public ReadOnlySpan<bool> Terminated => _terminated;
    public ReadOnlySpan<bool> Truncated => _truncated;

    /// <summary>Return of the episode that finished at the last step; meaningful where <see cref="Finished"/>.</summary>
    public ReadOnlySpan<float> EpisodeReturns => _episodeReturns;

    /// <summary>Length of the episode that finished at the last step; meaningful where <see cref="Finished"/>.</summary>
    public ReadOnlySpan<int> EpisodeLengths => _episodeLengths;

    /// <summary>Whether environment <paramref name="index"/>'s episode ended (and was reset) at the last step.</summary>
    public bool Finished(int index) => _terminated[index] || _truncated[index];

    /// <summary>
    /// Seeds environment i from the i-th draw of a generator seeded with <paramref name="seed"/>, so the
    /// environments' streams differ but the whole vector is reproducible, and starts fresh episodes.
    /// </summary>
    public void Reset(ulong seed, Span<float> observations)
    {
        CheckLength(observations.Length, Count * ObservationDim, "observations");
        var seeds = new Rng(seed);
        for (int i = 0; i < Count; i++) _environments[i].Reset(seeds.NextUInt64(), Row(observations, i));
        ClearEpisodes();
    }

    /// <summary>Starts fresh episodes, continuing each environment's generator stream.</summary>
    public void Reset(Span<float> observations)
    {
        CheckLength(observations.Length, Count * ObservationDim, "observations");
        for (int i = 0; i < Count; i++) _environments[i].Reset(Row(observations, i));
        ClearEpisodes();
    }

    /// <summary>
    /// Steps every environment with its row of <paramref name="actions"/> and writes the observations to act
    /// on next into <paramref name="observations"/> (reset observations where an episode finished).
    /// </summary>
    public void Step(ReadOnlySpan<float> actions, Span<float> observations)
    {
        CheckLength(actions.Length, Count * ActionDim, "actions");
        CheckLength(observations.Length, Count * ObservationDim, "observations");
        for (int i = 0; i < Count; i++)
        {
            Span<float> reached = Row(_nextObservations, i);
            StepResult result = _environments[i].Step(actions.Slice(i * ActionDim, ActionDim), reached);
            _rewards[i] = result.Reward;
            _terminated[i] = result.Terminated;
            _truncated[i] = result.Truncated;
            _runningReturns[i] += result.Reward;
            _runningLengths[i]++;
            if (result.Finished)
            {
                _episodeReturns[i] = (float)_runningReturns[i];
                _episodeLengths[i] = _runningLengths[i];
                _runningReturns[i] = 0;
                _runningLengths[i] = 0;
                _environments[i].Reset(Row(observations, i));
            }
            else
            {
                reached.CopyTo(Row(observations, i));
            }
        }
    }

    /// <summary>Snapshot length: every environment's state plus the running return and length of each episode.</summary>
    public int StateLength
    {
        get
        {
            int length = 2 * Count;
            foreach (IEnvironment env in _environments) length += env.StateLength;
            return length;
        }
    }

    public void SaveState(Span<long> state)
    {
        StateWords.CheckLength(state.Length, StateLength, "vector environment");
        int offset = 0;
        for (int i = 0; i < Count; i++)
        {
            int length = _environments[i].StateLength;
            _environments[i].SaveState(state.Slice(offset, length));
            offset += length;
            state[offset++] = StateWords.FromDouble(_runningReturns[i]);
            state[offset++] = _runningLengths[i];
        }
    }

    public void RestoreState(ReadOnlySpan<long> state)
    {
        StateWords.CheckLength(state.Length, StateLength, "vector environment");
        int offset = 0;
        for (int i = 0; i < Count; i++)
        {
            int length = _environments[i].StateLength;
            _environments[i].RestoreState(state.Slice(offset, length));
            offset += length;
            _runningReturns[i] = StateWords.ToDouble(state[offset++]);
            _runningLengths[i] = checked((int)state[offset++]);
        }
    }

    private void ClearEpisodes()
    {
        Array.Clear(_runningReturns);
        Array.Clear(_runningLengths);
        Array.Clear(_rewards);
        Array.Clear(_terminated);
        Array.Clear(_truncated);
    }

    private Span<float> Row(Span<float> flat, int index) => flat.Slice(index * ObservationDim, ObservationDim);

    private static void CheckLength(int actual, int expected, string what)
    {
        if (actual != expected) throw new ArgumentException($"{what}: expected {expected} values, got {actual}");
    }
}
