using SoftQDistributed.Actors.Telemetry;
using SoftQDistributed.Shared.Acting;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Hosting;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Actors;

/// <summary>
/// The rollout loop: waits for the first parameters, builds the <see cref="ActorWorker"/> for their shape, then
/// steps its environments in lockstep while the cluster-wide pace (<see cref="PaceGate"/>) allows, swapping in newer
/// parameters between steps and handing each step's transitions to the <see cref="TransitionSender"/>. On stop it
/// flushes the buffered transitions (bounded) and sends a final report.
/// </summary>
public sealed class ActorNode(
    ActorNodeSettings settings, ParameterSubscriber parameters, PaceGate pace, TransitionSender sender, ActorReporter reporter, ActorNodeMetrics metrics,
    IHostApplicationLifetime lifetime, ILogger<ActorNode> logger) : BackgroundService
{
    private readonly List<(float Return, int Length)> _stepEpisodes = [];
    private readonly List<(float Return, int Length)> _episodes = [];
    private long _envSteps;
    private long _episodesFinished;
    private long _actingVersion;
    private volatile bool _acting;

    /// <summary>Acting with parameters (what /readyz reports).</summary>
    public bool Acting => _acting;

    /// <summary>Environment steps taken (transitions produced) since start.</summary>
    public long EnvSteps => Interlocked.Read(ref _envSteps);

    /// <summary>Episodes finished since start.</summary>
    public long Episodes => Interlocked.Read(ref _episodesFinished);

    /// <summary>The policy version the node acts with now (0 before the first parameters).</summary>
    public ulong ActingVersion => (ulong)Interlocked.Read(ref _actingVersion);

    /// <summary>Moves the episodes finished since the last call into <paramref name="into"/>.</summary>
    public void TakeEpisodes(List<(float Return, int Length)> into)
    {
        lock (_episodes)
        {
            into.AddRange(_episodes);
            _episodes.Clear();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            PolicyParameters? first = null;
            try
            {
                logger.LogInformation("node {Node}: waiting for parameters from the learner", settings.NodeId);
                first = await parameters.FirstAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            if (first is not null) await DedicatedThread.Run("softq-rollout", () => Rollout(first, stoppingToken)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogCritical(ex, "the rollout failed");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
        finally
        {
            _acting = false;
            await StopAsync().ConfigureAwait(false);
        }
    }

    private void Rollout(PolicyParameters first, CancellationToken stoppingToken)
    {
        IGemm gemm = GemmFactory.Create(GemmFactory.Parse(settings.Backend), 1, line => logger.LogInformation("{Line}", line));
        var worker = new ActorWorker(settings.Env, settings.Envs, first.Shape(), settings.WorkerSeed);
        PolicyParameters acting = first;
        Sync(worker, acting);
        _acting = true;
        logger.LogInformation("node {Node}: acting in {Envs} x {Env} with policy version {Version} ({Shape})",
            settings.NodeId, settings.Envs, settings.Env, acting.Version, worker.PolicyShape);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!pace.WaitForRoom(EnvSteps, sender.SealPartial, stoppingToken)) break;
            PolicyParameters? latest = parameters.Latest;
            if (latest is not null && !ReferenceEquals(latest, acting))
            {
                acting = latest;
                Sync(worker, acting);
            }
            worker.Step(gemm);
            sender.Add(worker.Transitions, acting.Version, stoppingToken);
            Interlocked.Add(ref _envSteps, worker.Transitions.Count);
            worker.TakeFinished(_stepEpisodes);
            if (_stepEpisodes.Count > 0)
            {
                foreach ((float episodeReturn, _) in _stepEpisodes) metrics.EpisodeFinished(episodeReturn);
                Interlocked.Add(ref _episodesFinished, _stepEpisodes.Count);
                lock (_episodes) _episodes.AddRange(_stepEpisodes);
                _stepEpisodes.Clear();
            }
        }
    }

    private void Sync(ActorWorker worker, PolicyParameters message)
    {
        worker.SyncPolicy(message.Values);
        Interlocked.Exchange(ref _actingVersion, (long)message.Version);
    }

    /// <summary>After the last step: flush (bounded), then the final report.</summary>
    private async Task StopAsync()
    {
        int buffered = sender.Buffered;
        var started = System.Diagnostics.Stopwatch.StartNew();
        int dropped = await sender.FlushAsync(TimeSpan.FromSeconds(settings.StopFlushSeconds)).ConfigureAwait(false);
        if (dropped > 0)
            logger.LogError("node {Node}: stopped with {Dropped} of {Buffered} buffered transitions unsent after {Seconds:F1} s; counted dropped",
                settings.NodeId, dropped, buffered, started.Elapsed.TotalSeconds);
        else
            logger.LogInformation("node {Node}: flushed {Buffered} buffered transitions in {Seconds:F2} s ({Steps} env steps, {Sent} sent, {Retried} retried)",
                settings.NodeId, buffered, started.Elapsed.TotalSeconds, EnvSteps, sender.Sent, sender.Retried);
        reporter.Report(final: true);
    }
}
