using Akka.Actor;
using Akka.Event;
using SoftQDistributed.Actors.Telemetry;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Actors.Cluster;

/// <summary>
/// Flow control from this node to the replay shards, by credit: each shard has at most <c>WindowPerShard</c>
/// unacknowledged batches from this node, so no node can overrun a shard. A batch goes to the reachable shard with
/// the fewest in flight. A shard that leaves an acknowledgement outstanding longer than <c>SlowShardMilliseconds</c>
/// gets no new batches until it answers again (its share moves to the others at once); an unreachable one neither.
/// Its batches in flight are sent again elsewhere when it leaves the cluster, or after <c>ResendSeconds</c>
/// without an answer (counted as retried; a shard that was only paused may then store them twice). With no shard to
/// send to, batches queue here and the rollout blocks at MaxBuffered. Its credit (batches in flight, and how many it
/// may have) goes to <see cref="ActorNodeMetrics.FlowControl"/> after every change.
/// </summary>
public sealed class InsertForwarder : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);
    private readonly TransitionSender _sender;
    private readonly ActorNodeMetrics _metrics;
    private readonly int _window;
    private readonly TimeSpan _slowAfter, _resendAfter;
    private readonly LinkedList<InsertTransitions> _queue = new();
    private readonly Dictionary<Address, ShardLink> _links = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _next;

    public InsertForwarder(ReplayShardDirectory directory, TransitionSender sender, ActorNodeMetrics metrics, ActorNodeSettings settings)
    {
        _sender = sender;
        _metrics = metrics;
        _window = settings.WindowPerShard;
        _slowAfter = TimeSpan.FromMilliseconds(settings.SlowShardMilliseconds);
        _resendAfter = TimeSpan.FromSeconds(settings.ResendSeconds);
        Update(directory.Shards);
        Receive<Send>(s =>
        {
            _queue.AddLast(s.Message);
            Pump();
        });
        Receive<InsertAck>(Acknowledged);
        Receive<ReplayShardsChanged>(c =>
        {
            Update(c.Shards);
            Pump();
        });
        Receive<Tick>(_ => Check());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ReplayShardDirectory directory, TransitionSender sender, ActorNodeMetrics metrics, ActorNodeSettings settings) =>
        Akka.Actor.Props.Create(() => new InsertForwarder(directory, sender, metrics, settings));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(ReplayShardsChanged));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TickInterval);
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void Acknowledged(InsertAck ack)
    {
        if (!_links.TryGetValue(Sender.Path.Address, out ShardLink? link) || !link.InFlight.Remove(ack.Sequence, out InFlight? sent))
            return; // already sent again elsewhere after a timeout: this copy is stored twice
        if (link.Slow) _log.Info("replay shard at {0} answers again", link.Address);
        link.Slow = false;
        if (ack.Refusal is { } reason) _sender.Refused(sent.Message.Rows.Count, reason);
        else _sender.Acknowledged(sent.Message.Rows.Count, DateTime.UtcNow - sent.SentAt);
        Pump();
    }

    private void Update(IEnumerable<ReplayShardRef> shards)
    {
        var seen = new HashSet<Address>();
        foreach (ReplayShardRef shard in shards)
        {
            seen.Add(shard.Address);
            if (_links.TryGetValue(shard.Address, out ShardLink? link) && link.Actor.Equals(shard.Actor)) link.Reachable = shard.Reachable;
            else
            {
                if (link is not null) Requeue(link, "restarted");
                _links[shard.Address] = new ShardLink(shard.Address, shard.Actor) { Reachable = shard.Reachable };
            }
        }
        foreach (ShardLink gone in _links.Values.Where(l => !seen.Contains(l.Address)).ToList())
        {
            Requeue(gone, "left the cluster");
            _links.Remove(gone.Address);
        }
    }

    private void Check()
    {
        DateTime now = DateTime.UtcNow;
        foreach (ShardLink link in _links.Values)
        {
            if (link.InFlight.Count == 0) continue;
            TimeSpan oldest = now - link.InFlight.Values.Min(f => f.SentAt);
            if (oldest > _slowAfter && !link.Slow)
            {
                link.Slow = true;
                _log.Warning("replay shard at {0} has not acknowledged for {1:F1} s; sending to the others", link.Address, oldest.TotalSeconds);
            }
            if (oldest > _resendAfter) Requeue(link, $"silent for {oldest.TotalSeconds:F0} s");
        }
        Pump();
    }

    /// <summary>Puts a shard's unacknowledged batches back at the front of the queue, oldest first.</summary>
    private void Requeue(ShardLink link, string why)
    {
        if (link.InFlight.Count == 0) return;
        int rows = 0;
        foreach (InFlight f in link.InFlight.Values.OrderByDescending(f => f.Message.Sequence))
        {
            _queue.AddFirst(f.Message);
            rows += f.Message.Rows.Count;
        }
        _log.Warning("replay shard at {0} {1}: sending its {2} unacknowledged batches ({3} rows) to the others", link.Address, why, link.InFlight.Count, rows);
        _sender.CountRetried(rows);
        link.InFlight.Clear();
    }

    private void Pump()
    {
        while (_queue.First is { } first)
        {
            ShardLink? link = Choose();
            if (link is null) break;
            _queue.RemoveFirst();
            link.InFlight[first.Value.Sequence] = new InFlight(first.Value, DateTime.UtcNow);
            link.Actor.Tell(first.Value, Self);
        }
        _metrics.FlowControl(_links.Values.Sum(l => l.InFlight.Count), _window * _links.Values.Count(l => l.Reachable && !l.Slow));
    }

    /// <summary>The eligible shard with the fewest batches in flight (ties taken in turn); null when none has credit.</summary>
    private ShardLink? Choose()
    {
        ShardLink[] links = [.. _links.Values];
        ShardLink? best = null;
        for (int i = 0; i < links.Length; i++)
        {
            ShardLink link = links[(_next + i) % links.Length];
            if (!link.Reachable || link.Slow || link.InFlight.Count >= _window) continue;
            if (best is null || link.InFlight.Count < best.InFlight.Count) best = link;
        }
        _next++;
        return best;
    }

    /// <summary>A sealed batch from the rollout.</summary>
    public sealed record Send(InsertTransitions Message);

    private sealed record InFlight(InsertTransitions Message, DateTime SentAt);

    private sealed class ShardLink(Address address, IActorRef actor)
    {
        public Address Address { get; } = address;
        public IActorRef Actor { get; } = actor;
        public bool Reachable { get; set; }
        public bool Slow { get; set; }
        public Dictionary<long, InFlight> InFlight { get; } = [];
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
