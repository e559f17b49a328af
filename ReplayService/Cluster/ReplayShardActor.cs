using Akka.Actor;
using Akka.Event;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Cluster;

/// <summary>
/// The replay shard actor at <c>/user/replay-shard</c>: every insert into this node's <see cref="ReplayTable"/> goes
/// through it, from the cluster and from the gRPC edge alike. Cluster inserts are acknowledged one by one (the actor
/// nodes' credit), samples answered with the rows, status on request. Messages that arrive before the snapshot is
/// restored wait (stashed); a batch of another shape is refused with the reason and counted, and never touches the
/// table. The gRPC edge's batches (<see cref="EdgeInsert"/>) come decoded and checked; a refusal of one is answered
/// and counted by the edge's call accounting, once. The edge's reads (Sample, Info, UpdatePriorities, Checkpoint) go
/// to the thread-safe table directly. Nothing paces inserts here (the learner paces the whole cluster), so every call
/// completes at once and the actor never blocks.
/// </summary>
public sealed class ReplayShardActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(50);
    private readonly ReplayShard _shard;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private TransitionBatch _insertScratch;
    private ReplaySample _sampleScratch;

    public ReplayShardActor(ReplayShard shard)
    {
        _shard = shard;
        _insertScratch = new TransitionBatch(1024, shard.Settings.ObsDim, shard.Settings.ActDim);
        _sampleScratch = new ReplaySample(256, shard.Settings.ObsDim, shard.Settings.ActDim);
        Become(Restoring);
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ReplayShard shard) => Akka.Actor.Props.Create(() => new ReplayShardActor(shard));

    protected override void PreStart() => Timers.StartPeriodicTimer("ready", ReadyCheck.Instance, ReadyPoll);

    private void Restoring()
    {
        Receive<ReadyCheck>(_ =>
        {
            if (!_shard.Ready) return;
            Timers.Cancel("ready");
            _log.Info("replay shard {0} serving {1} restored transitions", _shard.Settings.ShardId, _shard.Table.Count);
            Stash.UnstashAll();
            Become(Serving);
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Serving()
    {
        Receive<InsertTransitions>(Insert);
        Receive<EdgeInsert>(Insert);
        Receive<SampleTransitions>(Sample);
        Receive<ShardStatusRequest>(_ => Sender.Tell(Status()));
    }

    private void Insert(InsertTransitions message)
    {
        TransitionBlob rows = message.Rows;
        if (rows.ObsDim != _shard.Settings.ObsDim || rows.ActDim != _shard.Settings.ActDim)
        {
            Refuse(message, "wrong_shape", $"rows of (obs {rows.ObsDim}, act {rows.ActDim}); this shard stores (obs {_shard.Settings.ObsDim}, act {_shard.Settings.ActDim})");
            return;
        }
        if (rows.Invalid() is { } reason) // checked on decoding already; the last guard before the table
        {
            Refuse(message, reason, $"{rows.Count} rows");
            return;
        }
        if (_insertScratch.Capacity < rows.Count) _insertScratch = new TransitionBatch(rows.Count, rows.ObsDim, rows.ActDim);
        rows.CopyTo(_insertScratch);
        try
        {
            _shard.Table.Insert(_insertScratch, default);
        }
        catch (ReplayClosedException)
        {
            Refuse(message, "shutting_down", "the shard is stopping"); // the sender resends elsewhere
            return;
        }
        _shard.SawPolicyVersion(message.PolicyVersion);
        Sender.Tell(new InsertAck { Sequence = message.Sequence, ShardSize = _shard.Table.Count });
    }

    private void Insert(EdgeInsert message)
    {
        long firstKey;
        try
        {
            firstKey = _shard.Table.Insert(message.Rows, message.Priorities);
        }
        catch (ReplayClosedException)
        {
            Sender.Tell(new EdgeInsertAnswer(0, "shutting_down"));
            return;
        }
        _shard.SawPolicyVersion(message.PolicyVersion);
        Sender.Tell(new EdgeInsertAnswer(firstKey, Refusal: null));
    }

    private void Sample(SampleTransitions request)
    {
        int size = _shard.Table.Count;
        if (size < _shard.Settings.MinSizeToSample)
        {
            // Answered at once, never waited for: the learner asks again, or asks another shard.
            Sender.Tell(new SampledTransitions { Refusal = size == 0 ? "empty" : "below_min_size", Status = Status() });
            return;
        }
        if (_sampleScratch.Batch.Capacity < request.Count)
            _sampleScratch = new ReplaySample(request.Count, _shard.Settings.ObsDim, _shard.Settings.ActDim);
        _sampleScratch.Batch.Count = request.Count;
        ValueTask sample = _shard.Table.SampleAsync(_sampleScratch, request.Count, 0, CancellationToken.None);
        if (!sample.IsCompletedSuccessfully)
        {
            _ = sample.AsTask().ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            Sender.Tell(new SampledTransitions { Refusal = "shutting_down", Status = Status() });
            return;
        }
        Sender.Tell(new SampledTransitions { Rows = TransitionBlob.From(_sampleScratch.Batch), Status = Status() });
    }

    private ShardStatus Status()
    {
        ReplayTableInfo info = _shard.Table.Info();
        return new ShardStatus
        {
            ShardId = _shard.Settings.ShardId, Size = info.Size, Capacity = info.Capacity, TotalInserted = info.TotalInserted,
            ObsDim = _shard.Settings.ObsDim, ActDim = _shard.Settings.ActDim, Instance = _instance,
        };
    }

    private void Refuse(InsertTransitions message, string reason, string detail)
    {
        _shard.CountRejection(reason);
        _log.Warning("refused batch {0} from {1}: {2} ({3})", message.Sequence, Sender.Path.Address, reason, detail);
        Sender.Tell(new InsertAck { Sequence = message.Sequence, Refusal = reason, ShardSize = _shard.Table.Count });
    }

    private sealed class ReadyCheck
    {
        public static readonly ReadyCheck Instance = new();
    }
}
