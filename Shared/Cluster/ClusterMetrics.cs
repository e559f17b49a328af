using System.Diagnostics;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Prometheus;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>
/// The cluster's own health on every role (Akka.NET has no meters of its own), read from this member's view before
/// each scrape: <c>softq_cluster_members{member_role,status}</c>, <c>softq_cluster_unreachable_members{member_role}</c>,
/// <c>softq_cluster_self_status{status}</c> (1 for this member's status), <c>softq_cluster_learner_reachable</c>,
/// <c>softq_cluster_leader_present</c>, <c>softq_cluster_membership_unchanged_seconds</c>,
/// <c>softq_cluster_dead_letters_total</c>, <c>softq_cluster_mailbox_depth{actor}</c> (every actor under /user and
/// its named children: the replay shard, the learner singleton, the forwarders), and what the serializer counted:
/// <c>softq_cluster_serializer_refusals_total{manifest,reason}</c>, <c>softq_cluster_sent_bytes_total{manifest}</c>,
/// <c>softq_cluster_received_bytes_total{manifest}</c>. Membership changes and dead letters come from a system
/// actor subscribed to them.
/// </summary>
public sealed class ClusterMetrics
{
    /// <summary>The roles always exported, with zeros, so that "fewer than" has a series to compare.</summary>
    private static readonly string[] Roles = ["replay", "learner", "actor"];

    private static readonly (MemberStatus Status, string Label)[] Statuses =
        [.. Enum.GetValues<MemberStatus>().Select(s => (s, SnakeCase(s.ToString())))];

    private readonly ActorSystem _system;
    private readonly Counter _deadLetters;
    private long _lastChange = Stopwatch.GetTimestamp();

    private ClusterMetrics(ActorSystem system, RoleMetrics metrics)
    {
        _system = system;
        IMetricFactory f = metrics.Factory;
        _deadLetters = f.CreateCounter("softq_cluster_dead_letters_total", "Messages sent to actors that did not exist (dead letters)");
        Gauge members = f.CreateGauge("softq_cluster_members", "Cluster members this member sees, by their role and status", ["member_role", "status"]);
        Gauge unreachable = f.CreateGauge("softq_cluster_unreachable_members", "Members this member sees as unreachable, by their role", ["member_role"]);
        Gauge self = f.CreateGauge("softq_cluster_self_status", "1 for this member's own membership status, 0 for the others", ["status"]);
        Gauge learner = f.CreateGauge("softq_cluster_learner_reachable", "1 while a learner member (the singleton's host) is Up and reachable from here");
        Gauge leader = f.CreateGauge("softq_cluster_leader_present", "1 while this member knows a cluster leader");
        Gauge unchanged = f.CreateGauge("softq_cluster_membership_unchanged_seconds", "Seconds since this member saw the membership change");
        Gauge mailbox = f.CreateGauge("softq_cluster_mailbox_depth", "Messages waiting in an actor's mailbox, by actor path under /user", ["actor"]);
        Counter refusals = f.CreateCounter("softq_cluster_serializer_refusals_total",
            "Messages from other nodes refused by the serializer (malformed, mis-shaped, non-finite, oversize), by kind and reason", ["manifest", "reason"]);
        Counter sent = f.CreateCounter("softq_cluster_sent_bytes_total", "Bytes serialized for other nodes, by message kind (once per destination)", ["manifest"]);
        Counter received = f.CreateCounter("softq_cluster_received_bytes_total", "Bytes received from other nodes, by message kind", ["manifest"]);
        metrics.BeforeScrape(() =>
        {
            Akka.Cluster.Cluster cluster = Akka.Cluster.Cluster.Get(_system);
            ClusterEvent.CurrentClusterState state = cluster.State;
            foreach (string role in Roles.Union(state.Members.SelectMany(m => m.Roles)).Where(r => !r.StartsWith("dc-", StringComparison.Ordinal)))
            {
                foreach ((MemberStatus status, string label) in Statuses)
                    members.WithLabels(role, label).Set(state.Members.Count(m => m.Status == status && m.HasRole(role)));
                unreachable.WithLabels(role).Set(state.Unreachable.Count(m => m.HasRole(role)));
            }
            MemberStatus own = cluster.SelfMember.Status;
            foreach ((MemberStatus status, string label) in Statuses) self.WithLabels(label).Set(status == own ? 1 : 0);
            learner.Set(state.Members.Any(m => m.HasRole("learner") && m.Status == MemberStatus.Up && !state.Unreachable.Contains(m)) ? 1 : 0);
            leader.Set(state.Leader is null ? 0 : 1);
            unchanged.Set(Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastChange)).TotalSeconds);
            var actors = new HashSet<string>(StringComparer.Ordinal);
            foreach ((string path, int depth) in Mailboxes())
            {
                mailbox.WithLabels(path).Set(depth);
                actors.Add(path);
            }
            foreach (string[] gone in mailbox.GetAllLabelValues().Where(l => !actors.Contains(l[0])).ToList()) mailbox.RemoveLabelled(gone); // stopped actors
            foreach (((string manifest, string reason), long count) in SerializerRefusals.Snapshot()) refusals.WithLabels(manifest, reason).IncTo(count);
            foreach ((string manifest, long bytesSent, long bytesReceived) in ClusterTraffic.Snapshot())
            {
                sent.WithLabels(manifest).IncTo(bytesSent);
                received.WithLabels(manifest).IncTo(bytesReceived);
            }
        });
    }

    /// <summary>Exports <paramref name="system"/>'s cluster series on <paramref name="metrics"/> from now on.</summary>
    public static void Start(ActorSystem system, RoleMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(metrics);
        var exported = new ClusterMetrics(system, metrics);
        ((ExtendedActorSystem)system).SystemActorOf(Props.Create(() => new Listener(exported)), "softq-cluster-metrics");
    }

    /// <summary>
    /// Depth of every named actor's mailbox under /user, and of their named children (the learner singleton is
    /// learner/learner under its manager); anonymous actors ($a, $b, ...) come and go and are left out.
    /// </summary>
    private IEnumerable<(string Path, int Depth)> Mailboxes()
    {
        if (((ExtendedActorSystem)_system).Provider.Guardian is not ActorRefWithCell guardian) yield break;
        foreach (ActorRefWithCell top in Named(guardian.Children))
        {
            yield return (top.Path.Name, top.Underlying.NumberOfMessages);
            foreach (ActorRefWithCell inner in Named(top.Children)) yield return ($"{top.Path.Name}/{inner.Path.Name}", inner.Underlying.NumberOfMessages);
        }
    }

    private static IEnumerable<ActorRefWithCell> Named(IEnumerable<IActorRef> children) =>
        children.OfType<ActorRefWithCell>().Where(c => !c.Path.Name.StartsWith('$'));

    private static string SnakeCase(string pascal)
    {
        var text = new StringBuilder();
        foreach (char c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append('_');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    /// <summary>Notes membership changes and counts dead letters (a system actor, so not among the mailboxes above).</summary>
    private sealed class Listener : ReceiveActor
    {
        private readonly ClusterMetrics _metrics;

        public Listener(ClusterMetrics metrics)
        {
            _metrics = metrics;
            Receive<ClusterEvent.IMemberEvent>(_ => Interlocked.Exchange(ref _metrics._lastChange, Stopwatch.GetTimestamp()));
            Receive<DeadLetter>(_ => _metrics._deadLetters.Inc());
        }

        protected override void PreStart()
        {
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
            Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        }

        protected override void PostStop()
        {
            Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
            Context.System.EventStream.Unsubscribe(Self);
        }
    }
}
