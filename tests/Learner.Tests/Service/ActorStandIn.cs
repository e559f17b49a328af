using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Tests.Service;

/// <summary>
/// An actor node played by the test: a member of role "actor" in the test process and the cluster's seed (a fixed
/// free port on 127.0.0.1). It records the learner's parameters and pace, reports its steps every 100 ms as a node
/// does, and inserts MultiGoal-shaped transitions into the replay shards it finds through membership.
/// </summary>
internal sealed class ActorStandIn : IAsyncDisposable
{
    public const string NodeInstance = "stand-in-node";
    private readonly List<PolicyParameters> _policies = [];
    private readonly List<Pace> _paces = [];
    private readonly ReplayShardDirectory _directory = new();
    private readonly CancellationTokenSource _stop = new();
    private TestClusterNode _node = null!;
    private Task _reporting = Task.CompletedTask;
    private long _inserted;
    private long _sequence;

    public string Seeds { get; private set; } = "";

    public long Inserted => Interlocked.Read(ref _inserted);

    public static async Task<ActorStandIn> StartAsync()
    {
        var actor = new ActorStandIn();
        int port = FreePort.Take();
        actor.Seeds = $"127.0.0.1:{port}";
        actor._node = await TestClusterNode.StartAsync("actor", port, actor.Seeds, (akka, _) => akka.WithActors((system, _) =>
        {
            system.ActorOf(ReplayShardWatcher.Props(actor._directory), "replay-shards");
            system.ActorOf(Props.Create(() => new LearnerRecorder(actor)), "learner-subscriber");
        }));
        actor._reporting = Task.Run(actor.ReportAsync);
        return actor;
    }

    public IReadOnlyList<PolicyParameters> Policies
    {
        get { lock (_policies) return [.. _policies]; }
    }

    public Pace? LastPace
    {
        get { lock (_paces) return _paces.Count == 0 ? null : _paces[^1]; }
    }

    /// <summary>Inserts <paramref name="count"/> transitions in batches of 50, each acknowledged by a shard (taken in turn).</summary>
    public async Task InsertAsync(int count, int seed)
    {
        var random = new Random(seed);
        var batch = new TransitionBatch(50, 2, 2) { Count = 50 };
        for (int k = 0; k < count / 50; k++)
        {
            for (int i = 0; i < 50; i++)
            {
                for (int d = 0; d < 2; d++)
                {
                    batch.Observations[2 * i + d] = (float)(random.NextDouble() * 14 - 7);
                    batch.Actions[2 * i + d] = (float)(random.NextDouble() * 2 - 1);
                    batch.NextObservations[2 * i + d] = Math.Clamp(batch.Observations[2 * i + d] + batch.Actions[2 * i + d], -7, 7);
                }
                batch.Rewards[i] = (float)(-random.NextDouble() * 50);
                batch.Terminals[i] = 0;
            }
            ReplayShardRef[] shards = [.. _directory.Reachable];
            if (shards.Length == 0) throw new InvalidOperationException("no replay shard known");
            long sequence = Interlocked.Increment(ref _sequence);
            InsertAck ack = await shards[sequence % shards.Length].Actor.Ask<InsertAck>(
                new InsertTransitions { Sequence = sequence, PolicyVersion = 1, Rows = TransitionBlob.From(batch) }, TimeSpan.FromSeconds(10));
            Assert.Null(ack.Refusal);
            Interlocked.Add(ref _inserted, 50);
        }
    }

    private async Task ReportAsync()
    {
        IActorRef mediator = DistributedPubSub.Get(_node.System).Mediator;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                ulong version;
                lock (_policies) version = _policies.Count == 0 ? 0 : _policies[^1].Version;
                mediator.Tell(new Publish(Topics.ActorReports, new ActorReport
                {
                    NodeId = 1, NodeInstance = NodeInstance, PolicyVersion = version, EnvSteps = Inserted, TransitionsSent = Inserted,
                }));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reporting;
        await _node.DisposeAsync();
        _stop.Dispose();
    }

    private sealed class LearnerRecorder : ReceiveActor
    {
        public LearnerRecorder(ActorStandIn actor)
        {
            Receive<PolicyParameters>(p =>
            {
                lock (actor._policies)
                    if (actor._policies.Count == 0 || actor._policies[^1].Version != p.Version || actor._policies[^1].LearnerInstance != p.LearnerInstance)
                        actor._policies.Add(p); // the learner repeats its newest publication for late joiners
            });
            Receive<Pace>(p =>
            {
                lock (actor._paces) actor._paces.Add(p);
            });
            Receive<SubscribeAck>(_ => { });
        }

        protected override void PreStart()
        {
            IActorRef mediator = DistributedPubSub.Get(Context.System).Mediator;
            mediator.Tell(new Subscribe(Topics.Policy, Self));
            mediator.Tell(new Subscribe(Topics.Pace, Self));
        }
    }
}
