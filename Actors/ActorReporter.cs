using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Actors;

/// <summary>
/// Tells the learner what this node did, every <c>ReportIntervalSeconds</c>, on the actor-reports topic: the
/// episodes finished since the last report, the node's counters (its env steps are what the learner paces it by)
/// and the policy version it acts with. Pub-sub
/// delivers at most once; a report lost while no learner is up loses only its episode returns (the counters are
/// totals, resent every time).
/// </summary>
public sealed class ActorReporter(ActorSystem system, ActorNodeSettings settings, TransitionSender sender, PaceGate pace, IServiceProvider services,
    ILogger<ActorReporter> logger) : BackgroundService
{
    private readonly List<(float Return, int Length)> _episodes = [];
    private readonly object _oneAtATime = new();
    private long _reports;

    public long Reports => Interlocked.Read(ref _reports);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.ReportIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                if (Node.Acting) Report(final: false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Resolved late: the node and the reporter refer to each other.
    private ActorNode Node => services.GetRequiredService<ActorNode>();

    /// <summary>Publishes one report.</summary>
    public void Report(bool final)
    {
        lock (_oneAtATime)
        {
            ActorNode node = Node;
            node.TakeEpisodes(_episodes);
            var report = new ActorReport
            {
                NodeId = settings.NodeId,
                NodeInstance = pace.NodeInstance,
                PolicyVersion = node.ActingVersion,
                EpisodeReturns = [.. _episodes.Select(e => e.Return)],
                EnvSteps = node.EnvSteps,
                TransitionsSent = sender.Sent,
                TransitionsRetried = sender.Retried,
                TransitionsDropped = sender.Dropped,
                TransitionsBuffered = sender.Buffered,
                PaceWaitSeconds = pace.WaitTime.TotalSeconds,
                BufferWaitSeconds = sender.BlockedTime.TotalSeconds,
            };
            _episodes.Clear();
            DistributedPubSub.Get(system).Mediator.Tell(new Publish(Topics.ActorReports, report));
            Interlocked.Increment(ref _reports);
            if (final)
                logger.LogInformation("final report: {Steps} env steps, {Sent} sent, {Retried} retried, {Dropped} dropped",
                    report.EnvSteps, report.TransitionsSent, report.TransitionsRetried, report.TransitionsDropped);
        }
    }
}
