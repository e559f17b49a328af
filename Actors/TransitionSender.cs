using System.Diagnostics;
using Akka.Actor;
using SoftQDistributed.Actors.Cluster;
using SoftQDistributed.Actors.Telemetry;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Actors;

/// <summary>
/// The rollout's side of sending: copies each step's transitions into a batch of SendBatch rows acted with one policy
/// version, seals it (full, a new version, older than FlushMilliseconds, or the rollout about to wait) and hands it
/// to the <see cref="InsertForwarder"/> actor, which spreads batches over the shards with acknowledgements. Rows
/// count as buffered from <see cref="Add"/> until a shard acknowledges them; past MaxBuffered the rollout waits
/// (counted in <see cref="BlockedTime"/>). Nothing is dropped unless a shard refuses a batch as invalid, or a stop
/// gives up with rows still buffered; both are counted and logged.
/// </summary>
public sealed class TransitionSender(ActorNodeSettings settings, ActorNodeMetrics metrics, ILogger<TransitionSender> logger)
{
    private readonly object _gate = new();
    private readonly TransitionBatch _filling = new(settings.SendBatch, settings.ObservationDim, settings.ActionDim);
    private readonly long _flushTicks = settings.FlushMilliseconds * Stopwatch.Frequency / 1000;
    private IActorRef? _forwarder;
    private ulong _fillingVersion;
    private long _fillingSince;
    private long _sequence;
    private int _buffered;
    private long _sent, _retried, _dropped, _blockedTicks;

    /// <summary>The actor that sends the sealed batches (set once the ActorSystem has made it).</summary>
    public void Attach(IActorRef forwarder) => _forwarder = forwarder;

    /// <summary>Rows acknowledged by a shard.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Rows sent again after their shard left the cluster or did not answer in time.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>Rows given up: refused by a shard as invalid, or still buffered when a stop's flush timed out.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Rows taken from the rollout and not yet acknowledged (filling, queued and in flight).</summary>
    public int Buffered
    {
        get { lock (_gate) return _buffered; }
    }

    public int MaxBuffered => settings.MaxBuffered;

    /// <summary>Total time the rollout waited for a full buffer to drain.</summary>
    public TimeSpan BlockedTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _blockedTicks));

    /// <summary>
    /// Takes a step's transitions, waiting while the buffer is full. When <paramref name="stopping"/> fires during
    /// the wait the rows are taken anyway (the bound is overshot by one step) so the stop can still flush them.
    /// </summary>
    public void Add(TransitionBatch transitions, ulong policyVersion, CancellationToken stopping)
    {
        int rows = transitions.Count;
        lock (_gate)
        {
            if (_buffered + rows > settings.MaxBuffered && _buffered > 0)
            {
                SealLocked();
                long started = Stopwatch.GetTimestamp();
                while (_buffered + rows > settings.MaxBuffered && _buffered > 0 && !stopping.IsCancellationRequested) Monitor.Wait(_gate, 20);
                Interlocked.Add(ref _blockedTicks, Stopwatch.GetTimestamp() - started);
            }
            if (_filling.Count > 0 && (_fillingVersion != policyVersion || Stopwatch.GetTimestamp() - _fillingSince >= _flushTicks)) SealLocked();
            for (int from = 0; from < rows;)
            {
                if (_filling.Count == 0)
                {
                    _fillingVersion = policyVersion;
                    _fillingSince = Stopwatch.GetTimestamp();
                }
                int take = Math.Min(rows - from, _filling.Capacity - _filling.Count);
                TransitionBatch.CopyRows(transitions, from, _filling, _filling.Count, take);
                _filling.Count += take;
                from += take;
                if (_filling.Count == _filling.Capacity) SealLocked();
            }
            _buffered += rows;
        }
    }

    /// <summary>Sends the partly filled batch now (before the rollout waits, so the learner is not kept from those rows).</summary>
    public void SealPartial()
    {
        lock (_gate) SealLocked();
    }

    /// <summary>A shard stored <paramref name="rows"/> rows (called by the forwarder).</summary>
    internal void Acknowledged(int rows, TimeSpan elapsed)
    {
        metrics.Pushed(elapsed);
        Interlocked.Add(ref _sent, rows);
        Release(rows);
    }

    /// <summary>A shard refused a batch as invalid: sending it again would be refused again.</summary>
    internal void Refused(int rows, string reason)
    {
        Interlocked.Add(ref _dropped, rows);
        logger.LogError("a replay shard refused a batch of {Rows} transitions ({Reason}); counted dropped", rows, reason);
        Release(rows);
    }

    internal void CountRetried(int rows) => Interlocked.Add(ref _retried, rows);

    /// <summary>
    /// Seals what is filling and waits until every buffered row is acknowledged, at most <paramref name="timeout"/>;
    /// the rows still buffered then are counted dropped. Returns them.
    /// </summary>
    public async Task<int> FlushAsync(TimeSpan timeout)
    {
        SealPartial();
        var clock = Stopwatch.StartNew();
        while (Buffered > 0 && clock.Elapsed < timeout) await Task.Delay(10).ConfigureAwait(false);
        lock (_gate)
        {
            int left = _buffered;
            _buffered = 0;
            Interlocked.Add(ref _dropped, left);
            Monitor.PulseAll(_gate);
            return left;
        }
    }

    private void Release(int rows)
    {
        lock (_gate)
        {
            _buffered = Math.Max(0, _buffered - rows);
            Monitor.PulseAll(_gate);
        }
    }

    private void SealLocked()
    {
        if (_filling.Count == 0) return;
        IActorRef forwarder = _forwarder ?? throw new InvalidOperationException("the insert forwarder is not attached");
        forwarder.Tell(new InsertForwarder.Send(new InsertTransitions
        {
            Sequence = ++_sequence, PolicyVersion = _fillingVersion, Rows = TransitionBlob.From(_filling),
        }));
        _filling.Count = 0;
    }
}
