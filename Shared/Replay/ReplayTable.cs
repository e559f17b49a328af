using System.Diagnostics;
using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// One shard's table: the <see cref="ReplayStore"/> behind a lock, with optional prioritized sampling, counters,
/// and copy-on-write captures for snapshots. An insert completes at once: nothing paces it here (the learner paces
/// the whole cluster). A sample waits, asynchronously, until the table holds its minimum size or it is cancelled.
/// </summary>
public sealed class ReplayTable
{
    private readonly object _gate = new();
    private readonly ReplayStore _store;
    private readonly SumTree? _priorities; // leaves hold p^α, slot by slot
    private readonly double _alpha;
    private readonly Rng _rng;
    private int[] _slotScratch = [];
    private double _maxPriority = 1.0;
    private TaskCompletionSource _changed = NewSignal();
    private long _insertCalls, _sampleCalls, _totalSampled;
    private long _sampleBlockedTicks;
    private int _samplesBlockedNow;
    private bool _closed;
    private TableCapture? _capture;

    public ReplayTable(ReplayTableSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
        _store = new ReplayStore(settings.ObsDim, settings.ActDim, settings.Capacity);
        _rng = new Rng(settings.Seed);
        if (settings.PriorityExponent is { } alpha)
        {
            _priorities = new SumTree(settings.Capacity);
            _alpha = alpha;
        }
    }

    public ReplayTableSettings Settings { get; }

    public bool IsPrioritized => _priorities is not null;

    public int Count
    {
        get { lock (_gate) return _store.Count; }
    }

    /// <summary>
    /// Inserts the first <c>batch.Count</c> rows whole, at once; throws <see cref="ReplayClosedException"/> once the
    /// table is closed. Priorities (one per row, or empty for "the highest seen so far") apply to prioritized tables.
    /// Returns the key of the first row.
    /// </summary>
    public long Insert(TransitionBatch batch, ReadOnlySpan<double> priorities)
    {
        CheckBatch(batch);
        if (!priorities.IsEmpty && priorities.Length != batch.Count)
            throw new ArgumentException($"{priorities.Length} priorities for {batch.Count} rows", nameof(priorities));
        foreach (double p in priorities)
            if (!(p >= 0) || double.IsPositiveInfinity(p)) throw new ArgumentException($"priority {p} is not finite and non-negative", nameof(priorities));
        lock (_gate)
        {
            if (_closed) throw new ReplayClosedException();
            long key = InsertLocked(batch, priorities);
            WakeSamples();
            return key;
        }
    }

    /// <summary>
    /// Draws <paramref name="count"/> rows with replacement (uniformly, or by priority) into the destination,
    /// waiting until the table holds its minimum size. β is the importance-sampling exponent of prioritized tables.
    /// </summary>
    public async ValueTask SampleAsync(ReplaySample destination, int count, double importanceExponent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Batch.ObsDim != Settings.ObsDim || destination.Batch.ActDim != Settings.ActDim)
            throw new ArgumentException("sample buffer shape differs from the table's", nameof(destination));
        if (count <= 0 || count > destination.Batch.Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"must be in [1, {destination.Batch.Capacity}]");

        long blockedSince = 0;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_closed)
                {
                    if (blockedSince != 0) EndBlock(blockedSince);
                    throw new ReplayClosedException();
                }
                if (_store.Count >= Settings.MinSizeToSample)
                {
                    if (blockedSince != 0) EndBlock(blockedSince);
                    SampleLocked(destination, count, importanceExponent);
                    return;
                }
                if (blockedSince == 0)
                {
                    blockedSince = Stopwatch.GetTimestamp();
                    _samplesBlockedNow++;
                }
                changed = _changed.Task;
            }
            await WaitOrGiveUp(changed, blockedSince, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets new priorities for rows still held; returns how many keys were found.</summary>
    public int UpdatePriorities(ReadOnlySpan<long> keys, ReadOnlySpan<double> priorities)
    {
        if (_priorities is null) throw new InvalidOperationException("this table samples uniformly; it has no priorities to update");
        if (keys.Length != priorities.Length) throw new ArgumentException($"{keys.Length} keys but {priorities.Length} priorities");
        foreach (double p in priorities)
            if (!(p >= 0) || double.IsPositiveInfinity(p)) throw new ArgumentException($"priority {p} is not finite and non-negative", nameof(priorities));
        int found = 0;
        lock (_gate)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                if (!_store.TryGetSlot(keys[i], out int slot)) continue;
                SetPriorityLocked(slot, priorities[i]);
                found++;
            }
        }
        return found;
    }

    public ReplayTableInfo Info()
    {
        lock (_gate)
        {
            return new ReplayTableInfo(_store.Count, _store.Capacity, _store.TotalAdded, _totalSampled, _insertCalls, _sampleCalls,
                Stopwatch.GetElapsedTime(0, _sampleBlockedTicks), _samplesBlockedNow);
        }
    }

    /// <summary>CRC-32C of the rows held, oldest first: equal tables give equal checksums (for checks, not the hot path).</summary>
    public uint ContentChecksum()
    {
        lock (_gate)
        {
            uint crc = 0;
            int o = Settings.ObsDim, a = Settings.ActDim;
            for (long key = _store.OldestKey; key < _store.TotalAdded; key++)
            {
                _store.TryGetSlot(key, out int slot);
                crc = Crc32C.Append(crc, _store.ObservationStorage.Slice(slot * o, o));
                crc = Crc32C.Append(crc, _store.ActionStorage.Slice(slot * a, a));
                crc = Crc32C.Append(crc, _store.RewardStorage.Slice(slot, 1));
                crc = Crc32C.Append(crc, _store.NextObservationStorage.Slice(slot * o, o));
                crc = Crc32C.Append(crc, _store.TerminalStorage.Slice(slot, 1));
            }
            return crc;
        }
    }

    /// <summary>Refuses every later insert and sample, and ends the samples waiting; the shard calls this when it starts to stop.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            WakeSamples();
        }
    }

    /// <summary>
    /// Freezes the table's current content for a snapshot without stopping it: rows are read chunk by chunk,
    /// and a chunk about to be overwritten meanwhile is copied first. Only one capture at a time.
    /// </summary>
    public TableCapture BeginCapture(int chunkRows = 4096)
    {
        lock (_gate)
        {
            if (_capture is not null) throw new InvalidOperationException("a snapshot capture is already in progress");
            double[]? leaves = null;
            if (_priorities is not null)
            {
                leaves = new double[_store.Capacity];
                _priorities.CopyLeavesTo(leaves);
            }
            var header = new TableCaptureHeader(Settings.ObsDim, Settings.ActDim, _store.Capacity, _store.Count, _store.TotalAdded,
                _totalSampled, _maxPriority);
            _capture = new TableCapture(this, header, leaves, chunkRows);
            return _capture;
        }
    }

    /// <summary>Puts back what a snapshot saved; call on an empty table before serving.</summary>
    public void Restore(TableCaptureHeader header, ReadOnlySpan<double> priorityLeaves, Func<int, ChunkRows?> readChunk)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(readChunk);
        if (header.ObsDim != Settings.ObsDim || header.ActDim != Settings.ActDim || header.Capacity != Settings.Capacity)
            throw new InvalidDataException($"snapshot shape (obs {header.ObsDim}, act {header.ActDim}, capacity {header.Capacity}) differs from this shard's (obs {Settings.ObsDim}, act {Settings.ActDim}, capacity {Settings.Capacity})");
        lock (_gate)
        {
            if (_store.TotalAdded != 0) throw new InvalidOperationException("restore needs an empty table");
            int slot = 0;
            for (int chunk = 0; slot < header.Count; chunk++)
            {
                ChunkRows rows = readChunk(chunk) ?? throw new InvalidDataException($"snapshot ends at chunk {chunk}, before its {header.Count} rows");
                _store.RestoreSlots(slot, rows.Observations.AsSpan(0, rows.Rows * Settings.ObsDim), rows.Actions.AsSpan(0, rows.Rows * Settings.ActDim),
                    rows.Rewards.AsSpan(0, rows.Rows), rows.NextObservations.AsSpan(0, rows.Rows * Settings.ObsDim), rows.Terminals.AsSpan(0, rows.Rows));
                slot += rows.Rows;
            }
            _store.RestorePosition(header.TotalAdded);
            _totalSampled = header.TotalSampled;
            _maxPriority = header.MaxPriority;
            if (_priorities is not null)
            {
                if (priorityLeaves.Length == _store.Capacity) _priorities.Load(priorityLeaves);
                else for (int s = 0; s < _store.Count; s++) _priorities[s] = Math.Pow(_maxPriority, _alpha); // saved uniform: start level
            }
        }
    }

    internal object Gate => _gate;

    internal ReplayStore Store => _store;

    internal void EndCapture(TableCapture capture)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_capture, capture)) _capture = null;
        }
    }

    private long InsertLocked(TransitionBatch batch, ReadOnlySpan<double> priorities)
    {
        int n = batch.Count;
        _capture?.BeforeOverwrite(_store.NextSlot, n);
        long firstKey = _store.AddBatch(batch);
        if (_priorities is not null)
        {
            for (int i = Math.Max(0, n - _store.Capacity); i < n; i++)
            {
                _store.TryGetSlot(firstKey + i, out int slot);
                SetPriorityLocked(slot, priorities.IsEmpty ? _maxPriority : priorities[i]);
            }
        }
        _insertCalls++;
        return firstKey;
    }

    private void SampleLocked(ReplaySample destination, int count, double beta)
    {
        int size = _store.Count;
        if (_slotScratch.Length < count) _slotScratch = new int[Math.Max(count, 2 * _slotScratch.Length)];
        Span<int> slots = _slotScratch.AsSpan(0, count);
        Span<float> weights = destination.Weights.AsSpan(0, count);
        if (_priorities is null)
        {
            for (int i = 0; i < count; i++) slots[i] = _rng.NextInt(size);
            weights.Fill(1f);
        }
        else
        {
            double total = _priorities.Total;
            if (!(total > 0))
            {
                // Every priority is zero: nothing is preferred, so fall back to uniform.
                for (int i = 0; i < count; i++) slots[i] = _rng.NextInt(size);
                weights.Fill(1f);
            }
            else
            {
                double maxWeight = 0;
                for (int i = 0; i < count; i++)
                {
                    int slot = _priorities.Find(_rng.NextDouble() * total);
                    slots[i] = slot;
                    double w = Math.Pow(size * (_priorities[slot] / total), -beta);
                    weights[i] = (float)w;
                    maxWeight = Math.Max(maxWeight, w);
                }
                for (int i = 0; i < count; i++) weights[i] = (float)(weights[i] / maxWeight);
            }
        }
        _store.Gather(slots, destination.Batch);
        for (int i = 0; i < count; i++) destination.Keys[i] = _store.KeyAt(slots[i]);
        destination.TableSize = size;
        _totalSampled += count;
        _sampleCalls++;
    }

    private void SetPriorityLocked(int slot, double priority)
    {
        _maxPriority = Math.Max(_maxPriority, priority);
        _priorities![slot] = Math.Pow(priority, _alpha);
    }

    private async ValueTask WaitOrGiveUp(Task changed, long blockedSince, CancellationToken token)
    {
        try
        {
            await changed.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            bool closed;
            int size;
            lock (_gate)
            {
                EndBlock(blockedSince);
                (closed, size) = (_closed, _store.Count);
            }
            if (closed) throw new ReplayClosedException(); // stopping, not the minimum size, ended the wait
            throw new BelowMinSizeException(Settings.MinSizeToSample, size, Stopwatch.GetElapsedTime(blockedSince), token);
        }
    }

    private void EndBlock(long blockedSince)
    {
        _sampleBlockedTicks += Stopwatch.GetTimestamp() - blockedSince;
        _samplesBlockedNow--;
    }

    /// <summary>Wakes every waiting sample to re-check the size; free when none waits.</summary>
    private void WakeSamples()
    {
        if (_samplesBlockedNow == 0) return;
        TaskCompletionSource old = _changed;
        _changed = NewSignal();
        old.TrySetResult();
    }

    private void CheckBatch(TransitionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.ObsDim != Settings.ObsDim || batch.ActDim != Settings.ActDim)
            throw new ArgumentException($"batch shape (obs {batch.ObsDim}, act {batch.ActDim}) differs from the table's (obs {Settings.ObsDim}, act {Settings.ActDim})", nameof(batch));
        if (batch.Count == 0) throw new ArgumentException("batch is empty", nameof(batch));
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
