using System.Diagnostics;
using SoftQDistributed.Actors.Telemetry;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Actors;

/// <summary>
/// Buffers the rollout's transitions into send batches and streams them to the replay shards from one
/// background task. A batch holds rows acted with one policy version and goes out with it; its routing key,
/// (node id &lt;&lt; 32) | sequence, spreads a node's batches evenly over the shards. A dead shard's batches go to
/// the next live shard (the sharded client reroutes; counted as retried); a rate-limited insert
/// (DEADLINE_EXCEEDED from the shard) is retried; with no shard live the batch is kept and retried with
/// back-off. The buffer is bounded: when it is full, <see cref="Add"/> blocks the rollout (back-pressure).
/// Nothing is dropped unless a stop gives up with rows still buffered (<see cref="FlushAsync"/>).
/// </summary>
public sealed class TransitionSender : IDisposable
{
    private static readonly TimeSpan RetryMin = TimeSpan.FromMilliseconds(50), RetryMax = TimeSpan.FromSeconds(2);
    private readonly ShardedReplayClient _replay;
    private readonly ILogger _logger;
    private readonly ActorNodeMetrics _metrics;
    private readonly int _batchRows, _maxBuffered, _obsDim, _actDim;
    private readonly long _flushTicks;
    private readonly ulong _nodeKey;
    private readonly object _gate = new();
    private readonly Queue<Pending> _ready = new();
    private readonly Stack<Pending> _pool = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _abandon = new();
    private Pending? _filling;
    private Task? _loop;
    private bool _completing;
    private int _buffered;
    private uint _sequence;
    private long _sent, _retried, _dropped, _rateLimited, _blockedTicks;

    public TransitionSender(ShardedReplayClient replay, ActorNodeSettings settings, ActorNodeMetrics metrics, ILogger<TransitionSender> logger)
    {
        _replay = replay;
        _logger = logger;
        _metrics = metrics;
        _batchRows = settings.SendBatch;
        _maxBuffered = settings.MaxBuffered;
        _obsDim = settings.ObservationDim;
        _actDim = settings.ActionDim;
        _flushTicks = settings.FlushMilliseconds * Stopwatch.Frequency / 1000;
        _nodeKey = (ulong)(uint)settings.NodeId << 32;
    }

    /// <summary>Rows acknowledged by a shard.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Rows sent again: rerouted from a dead shard, or repeated after a rate-limiter timeout or with no shard live.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>Rows given up: only when a stop runs out of time with rows still buffered, or a shard refuses a batch as invalid.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Inserts the shards' rate limiters held past their deadline.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Rows buffered now (filling, waiting and in flight).</summary>
    public int Buffered
    {
        get { lock (_gate) return _buffered; }
    }

    public int MaxBuffered => _maxBuffered;

    /// <summary>Whether the rollout is blocked now because the buffer is full.</summary>
    public bool Blocking { get; private set; }

    /// <summary>Total time the rollout spent blocked on a full buffer.</summary>
    public TimeSpan BlockedTime => TimeSpan.FromSeconds((double)Interlocked.Read(ref _blockedTicks) / Stopwatch.Frequency);

    /// <summary>Starts the background sending task.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_abandon.Token));

    /// <summary>
    /// Copies <paramref name="transitions"/> (acted with <paramref name="policyVersion"/>) into the buffer, waiting
    /// while it is full. When <paramref name="stopping"/> fires during the wait, the rows are taken anyway (the
    /// bound is overshot by one step) so the stop can still flush them: the rollout never loses a step.
    /// </summary>
    public void Add(TransitionBatch transitions, ulong policyVersion, CancellationToken stopping)
    {
        int rows = transitions.Count;
        bool signal = false;
        lock (_gate)
        {
            if (_buffered + rows > _maxBuffered && _buffered > 0)
            {
                long started = Stopwatch.GetTimestamp();
                Blocking = true;
                while (_buffered + rows > _maxBuffered && _buffered > 0 && !stopping.IsCancellationRequested) Monitor.Wait(_gate, 20);
                Blocking = false;
                Interlocked.Add(ref _blockedTicks, Stopwatch.GetTimestamp() - started);
            }
            int from = 0;
            while (from < rows)
            {
                if (_filling is not null && _filling.Version != policyVersion) signal |= Seal();
                _filling ??= Rent(policyVersion);
                TransitionBatch into = _filling.Batch;
                int take = Math.Min(rows - from, _batchRows - into.Count);
                TransitionBatch.CopyRows(transitions, from, into, into.Count, take);
                into.Count += take;
                from += take;
                if (into.Count == _batchRows) signal |= Seal();
            }
            _buffered += rows;
        }
        if (signal) Wake();
    }

    /// <summary>
    /// Sends everything buffered, waiting at most <paramref name="timeout"/>; what is still buffered then is
    /// counted dropped. Returns the rows dropped.
    /// </summary>
    public async Task<int> FlushAsync(TimeSpan timeout)
    {
        lock (_gate) _completing = true;
        Wake();
        Start();
        Task loop = _loop!;
        if (await Task.WhenAny(loop, Task.Delay(timeout)).ConfigureAwait(false) != loop) await _abandon.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        lock (_gate)
        {
            int left = _buffered;
            _buffered = 0;
            _ready.Clear();
            _filling = null;
            Interlocked.Add(ref _dropped, left);
            Monitor.PulseAll(_gate);
            return left;
        }
    }

    public void Dispose()
    {
        _abandon.Cancel();
        _abandon.Dispose();
        _signal.Dispose();
    }

    private async Task RunAsync(CancellationToken abandon)
    {
        while (true)
        {
            Pending? next;
            bool done;
            lock (_gate)
            {
                if (_filling is not null && (_completing || Stopwatch.GetTimestamp() - _filling.StartedAt >= _flushTicks)) Seal();
                _ready.TryDequeue(out next);
                done = next is null && _completing && _filling is null;
            }
            if (done) return;
            if (next is null)
            {
                try
                {
                    await _signal.WaitAsync(TimeSpan.FromTicks(_flushTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency), abandon).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            if (!await SendAsync(next, abandon).ConfigureAwait(false)) return;
            lock (_gate)
            {
                _buffered -= next.Batch.Count;
                next.Batch.Count = 0;
                _pool.Push(next);
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Sends one batch until a shard stores it; false when abandoned (the rows stay buffered, to be counted dropped).</summary>
    private async Task<bool> SendAsync(Pending pending, CancellationToken abandon)
    {
        ulong key = _nodeKey | _sequence++;
        int rows = pending.Batch.Count;
        TimeSpan backoff = RetryMin;
        while (true)
        {
            long reroutedBefore = _replay.ReroutedRows;
            long started = Stopwatch.GetTimestamp();
            try
            {
                await _replay.InsertAsync(pending.Batch, key, abandon, pending.Version).ConfigureAwait(false);
                _metrics.Pushed(Stopwatch.GetTimestamp() - started);
                Interlocked.Add(ref _retried, _replay.ReroutedRows - reroutedBefore);
                Interlocked.Add(ref _sent, rows);
                return true;
            }
            catch (OperationCanceledException) when (abandon.IsCancellationRequested)
            {
                return false;
            }
            catch (RpcException ex) when (abandon.IsCancellationRequested && ex.Status is StatusCode.Cancelled or StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                return false;
            }
            catch (RpcException ex) when (ex.Status == StatusCode.DeadlineExceeded && ex.FromServer)
            {
                // The shard's rate limiter held the insert to its deadline: the learner is behind on that shard. Try
                // again under a fresh routing key, so the batch may land on a shard with room: with every node stuck on
                // one shard while the learner waits for inserts on another, the cluster would otherwise stall.
                Interlocked.Increment(ref _rateLimited);
                Interlocked.Add(ref _retried, rows);
                key = _nodeKey | _sequence++;
                backoff = RetryMin;
            }
            catch (RpcException ex) when (ex.Status is StatusCode.InvalidArgument or StatusCode.ResourceExhausted)
            {
                // Sending it again would be refused again: give it up, loudly and counted.
                Interlocked.Add(ref _dropped, rows);
                _logger.LogError("a shard refused a batch of {Rows} transitions ({Status}: {Detail}); dropped", rows, ex.Status, ex.Detail);
                return true;
            }
            catch (RpcException ex)
            {
                Interlocked.Add(ref _retried, rows);
                if (backoff == RetryMin) _logger.LogWarning("no replay shard took a batch ({Status}: {Detail}); keeping it and retrying with back-off", ex.Status, ex.Detail);
            }
            try
            {
                await Task.Delay(backoff, abandon).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            backoff = TimeSpan.FromTicks(Math.Min(RetryMax.Ticks, backoff.Ticks * 2));
        }
    }

    /// <summary>Queues the filling batch for sending (under the lock); true if there was one.</summary>
    private bool Seal()
    {
        if (_filling is null || _filling.Batch.Count == 0) return false;
        _ready.Enqueue(_filling);
        _filling = null;
        return true;
    }

    private Pending Rent(ulong version)
    {
        Pending pending = _pool.Count > 0 ? _pool.Pop() : new Pending(new TransitionBatch(_batchRows, _obsDim, _actDim));
        pending.Version = version;
        pending.StartedAt = Stopwatch.GetTimestamp();
        return pending;
    }

    private void Wake()
    {
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    private sealed class Pending(TransitionBatch batch)
    {
        public TransitionBatch Batch { get; } = batch;
        public ulong Version { get; set; }
        public long StartedAt { get; set; }
    }
}
