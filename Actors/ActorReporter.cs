using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.LearnerApi;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Actors;

/// <summary>
/// Tells the learner what this node did, every <c>ReportIntervalSeconds</c>: the episodes finished since the
/// last report, the node's counters and the policy version it acts with. A failed report is logged and its
/// episodes are kept for the next one.
/// </summary>
public sealed class ActorReporter(LearnerClient learner, ActorNodeSettings settings, TransitionSender sender, IServiceProvider services,
    ILogger<ActorReporter> logger) : BackgroundService
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private const int MaxPendingEpisodes = 100_000; // while the learner is unreachable: the newest are kept
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly List<(float Return, int Length)> _episodes = [];
    private bool _failing;
    private long _reports, _failures, _learnerVersion;

    /// <summary>Changes with every process start, so the learner can tell that the node's totals restarted.</summary>
    public string NodeInstance { get; } = Guid.NewGuid().ToString("N");

    public long Reports => Interlocked.Read(ref _reports);
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The newest version the learner said it has published (0 before the first answer).</summary>
    public ulong LearnerVersion => (ulong)Interlocked.Read(ref _learnerVersion);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.ReportIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                if (Node.Acting) await ReportAsync(final: false, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Resolved late: the node and the reporter refer to each other.
    private ActorNode Node => services.GetRequiredService<ActorNode>();

    /// <summary>Sends one report; returns whether the learner took it.</summary>
    public async Task<bool> ReportAsync(bool final, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ActorNode node = Node;
            node.TakeEpisodes(_episodes);
            if (_episodes.Count > MaxPendingEpisodes)
            {
                logger.LogWarning("{Count} episode returns not reported yet; forgetting the oldest {Excess}", _episodes.Count, _episodes.Count - MaxPendingEpisodes);
                _episodes.RemoveRange(0, _episodes.Count - MaxPendingEpisodes);
            }
            var report = new ActorReport
            {
                NodeId = (uint)settings.NodeId,
                NodeInstance = NodeInstance,
                PolicyVersion = node.ActingVersion,
                EnvSteps = (ulong)node.EnvSteps,
                TransitionsSent = (ulong)sender.Sent,
                TransitionsRetried = (ulong)sender.Retried,
                TransitionsDropped = (ulong)sender.Dropped,
                TransitionsBuffered = (ulong)sender.Buffered,
            };
            foreach ((float ret, int length) in _episodes)
            {
                report.EpisodeReturns.Add(ret);
                report.EpisodeLengths.Add((uint)length);
            }
            try
            {
                ActorReportAck ack = await learner.ReportActorAsync(report, new GrpcCallOptions(CallTimeout, cancellationToken)).ConfigureAwait(false);
                Interlocked.Exchange(ref _learnerVersion, (long)ack.LearnerVersion);
                Interlocked.Increment(ref _reports);
                _episodes.Clear();
                if (_failing) logger.LogInformation("reports reach the learner again");
                _failing = false;
                if (final) logger.LogInformation("final report sent: {Steps} env steps, {Sent} sent, {Retried} retried, {Dropped} dropped", report.EnvSteps, report.TransitionsSent, report.TransitionsRetried, report.TransitionsDropped);
                return true;
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or OperationCanceledException)
            {
                Interlocked.Increment(ref _failures);
                if (!_failing || final) logger.LogWarning("report to {Learner} failed ({Error}); its {Episodes} episodes are kept for the next one", learner.Address, ex.Message, _episodes.Count);
                _failing = true;
                return false;
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
