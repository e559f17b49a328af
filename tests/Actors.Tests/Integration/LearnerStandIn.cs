using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Tests.Cluster;

namespace SoftQDistributed.Actors.Tests.Integration;

/// <summary>
/// The learner's side of the cluster, played by the test: a member of role "learner" in the test process, the seed of
/// the cluster (a fixed free port on 127.0.0.1). Every 100 ms it publishes the newest parameters and a pace whose
/// budget per reporting node instance the test decides; it records the actor reports and finds the replay shards as
/// the learner does (<see cref="ReplayShardWatcher"/>), asking them for their status.
/// </summary>
internal sealed class LearnerStandIn : IAsyncDisposable
{
    private readonly List<ActorReport> _reports = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ReplayShardDirectory _directory = new();
    private TestClusterNode _node = null!;
    private Task _publishing = Task.CompletedTask;
    private PolicyBroadcast? _policy;

    public string Seeds { get; private set; } = "";

    public string Instance { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>How far each reporting node instance may step, from its latest report (default: not at all).</summary>
    public Func<ActorReport, long> Budget { get; set; } = _ => 0;

    public ReplayShardDirectory Shards => _directory;

    public static async Task<LearnerStandIn> StartAsync()
    {
        var learner = new LearnerStandIn();
        int port = FreePort.Take();
        learner.Seeds = $"127.0.0.1:{port}";
        learner._node = await TestClusterNode.StartAsync("learner", port, learner.Seeds, (akka, _) => akka.WithActors((system, _) =>
        {
            system.ActorOf(ReplayShardWatcher.Props(learner._directory), "replay-shards");
            system.ActorOf(Props.Create(() => new ReportRecorder(learner)), "actor-reports");
        }));
        learner._publishing = Task.Run(learner.PublishAsync);
        return learner;
    }

    /// <summary>Publishes (from now on, repeatedly) a sampling network of MultiGoal's shape with random parameters.</summary>
    public void Publish(ulong version, string env = "multigoal", MlpShape? shape = null) =>
        Volatile.Write(ref _policy, new PolicyBroadcast(Samples.Policy(version, Instance, env, shape)));

    public IReadOnlyList<ActorReport> Reports
    {
        get { lock (_reports) return [.. _reports]; }
    }

    public ActorReport? LastReport
    {
        get { lock (_reports) return _reports.Count == 0 ? null : _reports[^1]; }
    }

    /// <summary>Rows inserted into every shard known now (asked over the cluster).</summary>
    public async Task<long> TotalInsertedAsync()
    {
        ShardStatus[] statuses = await Task.WhenAll(_directory.Shards.Select(s =>
            s.Actor.Ask<ShardStatus>(ShardStatusRequest.Instance, TimeSpan.FromSeconds(5))));
        return statuses.Sum(s => s.TotalInserted);
    }

    public async Task<ShardStatus> StatusAsync(Address shard) =>
        await _directory.Shards.Single(s => s.Address == shard).Actor.Ask<ShardStatus>(ShardStatusRequest.Instance, TimeSpan.FromSeconds(5));

    private async Task PublishAsync()
    {
        IActorRef mediator = DistributedPubSub.Get(_node.System).Mediator;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (Volatile.Read(ref _policy) is { } policy) mediator.Tell(new Publish(Topics.Policy, policy));
                Dictionary<string, long> budgets;
                lock (_reports)
                    budgets = _reports.GroupBy(r => r.NodeInstance).ToDictionary(g => g.Key, g => Budget(g.Last()));
                mediator.Tell(new Publish(Topics.Pace, new Pace { LearnerInstance = Instance, Budgets = budgets, PolicyVersion = _policy?.Parameters.Version ?? 0 }));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _publishing;
        await _node.DisposeAsync();
        _stop.Dispose();
    }

    private sealed class ReportRecorder : ReceiveActor
    {
        public ReportRecorder(LearnerStandIn learner)
        {
            Receive<ActorReport>(r =>
            {
                lock (learner._reports) learner._reports.Add(r);
            });
            Receive<SubscribeAck>(_ => { });
        }

        protected override void PreStart() => DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Topics.ActorReports, Self));
    }
}
