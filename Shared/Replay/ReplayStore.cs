using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// The in-memory replay buffer: a ring of fixed capacity in struct-of-arrays layout (one contiguous float
/// array per field), oldest rows overwritten first once full, uniform sampling with replacement.
/// Every transition gets a key, its insertion sequence number, so priorities and snapshots can name it.
/// Not thread-safe: <see cref="ReplayTable"/> adds the locking, the minimum size to sample and priorities a shard needs.
/// </summary>
public sealed class ReplayStore
{
    private readonly float[] _observations;
    private readonly float[] _actions;
    private readonly float[] _rewards;
    private readonly float[] _nextObservations;
    private readonly float[] _terminals;

    public ReplayStore(int obsDim, int actDim, int capacity)
    {
        if (obsDim <= 0) throw new ArgumentOutOfRangeException(nameof(obsDim), obsDim, "observation width must be positive");
        if (actDim <= 0) throw new ArgumentOutOfRangeException(nameof(actDim), actDim, "action width must be positive");
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be positive");
        if ((long)capacity * obsDim > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity × observation width exceeds {Array.MaxLength} floats");
        ObsDim = obsDim;
        ActDim = actDim;
        Capacity = capacity;
        _observations = new float[capacity * obsDim];
        _actions = new float[capacity * actDim];
        _rewards = new float[capacity];
        _nextObservations = new float[capacity * obsDim];
        _terminals = new float[capacity];
    }

    public int ObsDim { get; }
    public int ActDim { get; }
    public int Capacity { get; }

    /// <summary>Rows held now: min(TotalAdded, Capacity).</summary>
    public int Count { get; private set; }

    /// <summary>Rows ever added; also the key the next row will get.</summary>
    public long TotalAdded { get; private set; }

    /// <summary>The slot the next row goes to.</summary>
    public int NextSlot => (int)(TotalAdded % Capacity);

    /// <summary>Key of the oldest row still held.</summary>
    public long OldestKey => TotalAdded - Count;

    /// <summary>Raw storage, indexed by slot; for snapshots and checks, not for writing.</summary>
    public ReadOnlySpan<float> ObservationStorage => _observations;
    public ReadOnlySpan<float> ActionStorage => _actions;
    public ReadOnlySpan<float> RewardStorage => _rewards;
    public ReadOnlySpan<float> NextObservationStorage => _nextObservations;
    public ReadOnlySpan<float> TerminalStorage => _terminals;

    /// <summary>Adds one transition and returns its key.</summary>
    public long Add(ReadOnlySpan<float> obs, ReadOnlySpan<float> act, float reward, ReadOnlySpan<float> nextObs, bool terminal)
    {
        if (obs.Length != ObsDim) throw new ArgumentException($"observation has {obs.Length} values, expected {ObsDim}", nameof(obs));
        if (act.Length != ActDim) throw new ArgumentException($"action has {act.Length} values, expected {ActDim}", nameof(act));
        if (nextObs.Length != ObsDim) throw new ArgumentException($"next observation has {nextObs.Length} values, expected {ObsDim}", nameof(nextObs));
        int slot = NextSlot;
        obs.CopyTo(_observations.AsSpan(slot * ObsDim, ObsDim));
        act.CopyTo(_actions.AsSpan(slot * ActDim, ActDim));
        _rewards[slot] = reward;
        nextObs.CopyTo(_nextObservations.AsSpan(slot * ObsDim, ObsDim));
        _terminals[slot] = terminal ? 1f : 0f;
        return Advance(1);
    }

    /// <summary>Adds the first <c>batch.Count</c> rows of a batch; returns the key of the first.</summary>
    public long AddBatch(TransitionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckShape(batch);
        int n = batch.Count;
        return AddBatch(batch.Observations.AsSpan(0, n * ObsDim), batch.Actions.AsSpan(0, n * ActDim), batch.Rewards.AsSpan(0, n),
            batch.NextObservations.AsSpan(0, n * ObsDim), batch.Terminals.AsSpan(0, n));
    }

    /// <summary>
    /// Adds rows given field by field (row-major, terminals as 0/1); the row count is <c>rewards.Length</c>.
    /// Returns the key of the first row. A batch larger than the capacity keeps only its newest rows.
    /// </summary>
    public long AddBatch(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> rewards,
        ReadOnlySpan<float> nextObservations, ReadOnlySpan<float> terminals)
    {
        int n = rewards.Length;
        if (observations.Length != n * ObsDim)
            throw new ArgumentException($"observations have {observations.Length} values, expected {n} rows × {ObsDim}", nameof(observations));
        if (actions.Length != n * ActDim)
            throw new ArgumentException($"actions have {actions.Length} values, expected {n} rows × {ActDim}", nameof(actions));
        if (nextObservations.Length != n * ObsDim)
            throw new ArgumentException($"next observations have {nextObservations.Length} values, expected {n} rows × {ObsDim}", nameof(nextObservations));
        if (terminals.Length != n)
            throw new ArgumentException($"terminals have {terminals.Length} values, expected {n}", nameof(terminals));

        long firstKey = TotalAdded;
        int skip = Math.Max(0, n - Capacity); // rows that would be overwritten within this very batch
        int done = skip;
        while (done < n)
        {
            int slot = (int)((firstKey + done) % Capacity);
            int run = Math.Min(n - done, Capacity - slot); // contiguous up to the end of the ring
            observations.Slice(done * ObsDim, run * ObsDim).CopyTo(_observations.AsSpan(slot * ObsDim));
            actions.Slice(done * ActDim, run * ActDim).CopyTo(_actions.AsSpan(slot * ActDim));
            rewards.Slice(done, run).CopyTo(_rewards.AsSpan(slot));
            nextObservations.Slice(done * ObsDim, run * ObsDim).CopyTo(_nextObservations.AsSpan(slot * ObsDim));
            terminals.Slice(done, run).CopyTo(_terminals.AsSpan(slot));
            done += run;
        }
        Advance(n);
        return firstKey;
    }

    /// <summary>Fills the whole destination (Count = Capacity) with rows drawn uniformly with replacement.</summary>
    public void SampleUniform(Rng rng, TransitionBatch destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        SampleUniform(rng, destination, destination.Capacity);
    }

    /// <summary>Fills the first <paramref name="count"/> rows of the destination uniformly with replacement.</summary>
    public void SampleUniform(Rng rng, TransitionBatch destination, int count)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(destination);
        CheckShape(destination);
        if ((uint)count > (uint)destination.Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"must be in [0, {destination.Capacity}]");
        if (Count == 0) throw new InvalidOperationException("cannot sample from an empty replay store");
        for (int i = 0; i < count; i++) CopyRow(rng.NextInt(Count), destination, i);
        destination.Count = count;
    }

    /// <summary>Copies the rows at the given slots into the destination, in order.</summary>
    public void Gather(ReadOnlySpan<int> slots, TransitionBatch destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        CheckShape(destination);
        if (slots.Length > destination.Capacity)
            throw new ArgumentException($"{slots.Length} slots do not fit a batch of {destination.Capacity}", nameof(slots));
        for (int i = 0; i < slots.Length; i++)
        {
            if ((uint)slots[i] >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(slots), slots[i], $"slot must be in [0, {Count})");
            CopyRow(slots[i], destination, i);
        }
        destination.Count = slots.Length;
    }

    /// <summary>The key of the row held in a slot.</summary>
    public long KeyAt(int slot)
    {
        if ((uint)slot >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(slot), slot, $"slot must be in [0, {Count})");
        long newestKey = TotalAdded - 1;
        long newestSlot = newestKey % Capacity;
        return newestKey - ((newestSlot - slot + Capacity) % Capacity);
    }

    /// <summary>The slot holding a key, or false when the key was never added or has been overwritten.</summary>
    public bool TryGetSlot(long key, out int slot)
    {
        slot = -1;
        if (key < OldestKey || key >= TotalAdded) return false;
        slot = (int)(key % Capacity);
        return true;
    }

    /// <summary>
    /// Writes saved rows straight into slots, without moving the ring; with <see cref="RestorePosition"/>
    /// this puts back a snapshot chunk by chunk, without a second copy of the whole store in memory.
    /// </summary>
    public void RestoreSlots(int firstSlot, ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> rewards,
        ReadOnlySpan<float> nextObservations, ReadOnlySpan<float> terminals)
    {
        int n = rewards.Length;
        if (firstSlot < 0 || firstSlot + n > Capacity)
            throw new ArgumentOutOfRangeException(nameof(firstSlot), firstSlot, $"{n} rows from slot {firstSlot} do not fit capacity {Capacity}");
        if (observations.Length != n * ObsDim || actions.Length != n * ActDim || nextObservations.Length != n * ObsDim || terminals.Length != n)
            throw new ArgumentException($"saved rows do not match {n} rows of obs {ObsDim}, act {ActDim}");
        observations.CopyTo(_observations.AsSpan(firstSlot * ObsDim));
        actions.CopyTo(_actions.AsSpan(firstSlot * ActDim));
        rewards.CopyTo(_rewards.AsSpan(firstSlot));
        nextObservations.CopyTo(_nextObservations.AsSpan(firstSlot * ObsDim));
        terminals.CopyTo(_terminals.AsSpan(firstSlot));
    }

    /// <summary>Sets the ring position saved with a snapshot (slots must be restored too).</summary>
    public void RestorePosition(long totalAdded)
    {
        if (totalAdded < 0) throw new ArgumentOutOfRangeException(nameof(totalAdded), totalAdded, "must not be negative");
        TotalAdded = totalAdded;
        Count = (int)Math.Min(totalAdded, Capacity);
    }

    private void CopyRow(int slot, TransitionBatch destination, int row)
    {
        int obsDim = ObsDim, actDim = ActDim;
        _observations.AsSpan(slot * obsDim, obsDim).CopyTo(destination.Observations.AsSpan(row * obsDim, obsDim));
        _actions.AsSpan(slot * actDim, actDim).CopyTo(destination.Actions.AsSpan(row * actDim, actDim));
        destination.Rewards[row] = _rewards[slot];
        _nextObservations.AsSpan(slot * obsDim, obsDim).CopyTo(destination.NextObservations.AsSpan(row * obsDim, obsDim));
        destination.Terminals[row] = _terminals[slot];
    }

    private long Advance(int rows)
    {
        long first = TotalAdded;
        TotalAdded += rows;
        Count = (int)Math.Min(TotalAdded, Capacity);
        return first;
    }

    private void CheckShape(TransitionBatch batch)
    {
        if (batch.ObsDim != ObsDim || batch.ActDim != ActDim)
            throw new ArgumentException($"batch shape (obs {batch.ObsDim}, act {batch.ActDim}) differs from the store's (obs {ObsDim}, act {ActDim})", nameof(batch));
    }
}
