using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>
/// Finds the replay shard actors through cluster membership: a replay member that comes Up is asked for its
/// <c>/user/replay-shard</c> actor (Identify, repeated until it answers); a member that leaves, is downed or
/// removed is forgotten; reachability events mark a shard unreachable and back. Every change goes to the
/// <see cref="ReplayShardDirectory"/> and the event stream within the failure detector's delay.
/// </summary>
public sealed class ReplayShardWatcher : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan IdentifyRetry = TimeSpan.FromMilliseconds(250);
    private readonly ReplayShardDirectory _directory;
    private readonly Dictionary<Address, ReplayShardRef> _shards = [];
    private readonly HashSet<Address> _up = [];
    private readonly HashSet<Address> _unreachable = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ReplayShardWatcher(ReplayShardDirectory directory)
    {
        _directory = directory;
        Receive<ClusterEvent.MemberUp>(e => { if (IsReplay(e.Member)) Identify(e.Member.Address); });
        Receive<ClusterEvent.MemberRemoved>(e => Forget(e.Member.Address, "removed"));
        Receive<ClusterEvent.MemberExited>(e => Forget(e.Member.Address, "exited"));
        Receive<ClusterEvent.MemberDowned>(e => Forget(e.Member.Address, "downed"));
        Receive<ClusterEvent.UnreachableMember>(e => SetReachable(e.Member.Address, false));
        Receive<ClusterEvent.ReachableMember>(e => SetReachable(e.Member.Address, true));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<RetryIdentify>(r => { if (_up.Contains(r.Address) && !_shards.ContainsKey(r.Address)) Identify(r.Address); });
        Receive<ActorIdentity>(Identified);
        Receive<Terminated>(t =>
        {
            Address? address = _shards.Values.FirstOrDefault(s => s.Actor.Equals(t.ActorRef))?.Address;
            if (address is not null) Forget(address, "terminated");
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ReplayShardDirectory directory) => Akka.Actor.Props.Create(() => new ReplayShardWatcher(directory));

    protected override void PreStart() =>
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private static bool IsReplay(Member member) => member.HasRole("replay");

    private void Identify(Address address)
    {
        _up.Add(address);
        // The message id is a string: an Address has no serializer binding under strict serialization.
        Context.ActorSelection(new RootActorPath(address) / "user" / Topics.ReplayShardActor).Tell(new Identify(address.ToString()));
        Timers.StartSingleTimer(address, new RetryIdentify(address), IdentifyRetry);
    }

    private void Identified(ActorIdentity identity)
    {
        Address? address = _up.FirstOrDefault(a => a.ToString() == identity.MessageId as string);
        if (address is null || _shards.ContainsKey(address)) return;
        if (identity.Subject is null) return; // not created yet: the retry asks again
        Context.Watch(identity.Subject);
        _shards[address] = new ReplayShardRef(address, identity.Subject, !_unreachable.Contains(address));
        _log.Info("replay shard at {0} joined ({1} known)", address, _shards.Count);
        Publish();
    }

    private void Forget(Address address, string why)
    {
        _up.Remove(address);
        _unreachable.Remove(address);
        if (!_shards.Remove(address, out ReplayShardRef? shard)) return;
        Context.Unwatch(shard.Actor);
        _log.Info("replay shard at {0} {1} ({2} left)", address, why, _shards.Count);
        Publish();
    }

    private void SetReachable(Address address, bool reachable)
    {
        if (reachable) _unreachable.Remove(address);
        else _unreachable.Add(address);
        if (!_shards.TryGetValue(address, out ReplayShardRef? shard) || shard.Reachable == reachable) return;
        _shards[address] = shard with { Reachable = reachable };
        _log.Warning("replay shard at {0} is {1}", address, reachable ? "reachable again" : "unreachable");
        Publish();
    }

    private void Publish()
    {
        ImmutableArray<ReplayShardRef> shards = [.. _shards.Values.OrderBy(s => s.Address.ToString(), StringComparer.Ordinal)];
        _directory.Set(shards);
        Context.System.EventStream.Publish(new ReplayShardsChanged(shards));
    }

    private sealed record RetryIdentify(Address Address);
}
