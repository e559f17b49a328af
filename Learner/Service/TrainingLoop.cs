using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using SoftQDistributed.Learner.Service.Telemetry;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Hosting;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// The learner service's training loop, on a thread of its own: keeps updates ≤ TrainStepsPerEnvStep × env steps
/// (the replay's inserts, asked in the background) once the replay holds MinReplaySize; runs the same
/// <see cref="SoftQUpdate.Update"/> as <c>train</c> on prefetched minibatches; publishes the sampling network every
/// PublishInterval updates; every EpochLength trained env steps evaluates and appends a metrics.csv row; checkpoints
/// every CheckpointInterval and when stopped. At the budget: final checkpoint, evaluation, plots, summary.json, then
/// <see cref="Done"/>; it keeps serving until stopped.
/// </summary>
public sealed class TrainingLoop(
    ServeConfiguration configuration,
    LearnerState learner,
    ServeCounters counters,
    PolicyPublisher publisher,
    ActorReports reports,
    ClusterReplayProgress progress,
    ClusterSampler sampler,
    LearnerActivation activation,
    IGemm gemm,
    LearnerMetrics telemetry) : BackgroundService
{
    private readonly TrainingSettings _train = configuration.Training;
    private readonly ServeSettings _serve = configuration.Serve;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _resumed = counters.PublishedVersion > 0; // a fresh run has published nothing yet
    private readonly ClusterReplayProgress _progress = progress;
    private long _updates = learner.Update.Updates;
    private long _startUpdates = learner.Update.Updates;
    private long _firstUpdateAt;
    private double _updatesPerSecond;
    private volatile bool _done;
    private volatile bool _ready;

    /// <summary>New for every process start, so subscribers know a restarted learner's versions start afresh.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    public long Updates => Interlocked.Read(ref _updates);

    public long SkippedUpdates => learner.Update.SkippedUpdates;

    public long EnvSteps => _progress.EnvSteps;

    /// <summary>The budget is reached and the final checkpoint, evaluation, plots and summary.json are written.</summary>
    public bool Done => _done;

    /// <summary>The first parameters are published.</summary>
    public bool Ready => _ready;

    /// <summary>Updates per second of this process since its first update (frozen when done).</summary>
    public double UpdatesPerSecond
    {
        get
        {
            if (_done) return _updatesPerSecond;
            long first = Interlocked.Read(ref _firstUpdateAt);
            if (first == 0) return 0;
            double seconds = Stopwatch.GetElapsedTime(first).TotalSeconds;
            return seconds > 0 ? (Updates - _startUpdates) / seconds : 0;
        }
    }

    /// <summary>What /status serves.</summary>
    public LearnerStatus Status()
    {
        ActorSummary actors = reports.Summary();
        return new LearnerStatus(_train.Env, activation.IsActive, Updates, counters.PublishedVersion, Instance, EnvSteps, _train.EnvSteps,
            _progress.Size, _progress.ShardsAnswering, Done, Math.Round(UpdatesPerSecond, 1), SkippedUpdates, sampler.Timeouts,
            Math.Round(actors.MeanPolicyLagVersions, 2), double.IsNaN(actors.RecentMeanReturn) ? null : Math.Round(actors.RecentMeanReturn, 2),
            actors.ActorsReporting, actors.TransitionsRetried, actors.TransitionsDropped);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Run(stoppingToken);

    private async Task Run(CancellationToken stop)
    {
        Log("waiting to become the cluster's learner (the singleton on role learner)");
        try
        {
            await activation.WaitAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopped before ever training: nothing to checkpoint
        }
        Log("this process is the cluster's learner");
        using var pollerStop = new CancellationTokenSource();
        Task poller = _progress.RunAsync(pollerStop.Token);
        var prefetcher = new BatchPrefetcher(sampler, _train.BatchSize, learner.Networks.ObsDim, learner.Networks.ActDim,
            _serve.PrefetchDepth, _serve.PrefetchWorkers, _serve.BatchesPerRequest, Log);
        telemetry.Track(() => _progress.EnvSteps, () => prefetcher.WaitSeconds);
        try
        {
            await DedicatedThread.Run("softq-learner", () => Train(prefetcher, stop)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // stopping between updates
        }
        catch (Exception ex)
        {
            Log($"training failed: {ex}");
            Environment.ExitCode = 1;
            throw;
        }
        finally
        {
            await pollerStop.CancelAsync().ConfigureAwait(false);
            await poller.ConfigureAwait(false);
            await prefetcher.DisposeAsync().ConfigureAwait(false);
        }
        if (!_done)
        {
            counters.EnvSteps = _progress.EnvSteps;
            ServeCheckpoint.Save(_train.Out, learner, counters, _train, configuration.SoftQ);
            Log($"stopped: checkpoint at {learner.Update.Updates} updates, {counters.EnvSteps} env steps, version {counters.PublishedVersion} in {_train.Out}");
        }
    }

    private void Train(BatchPrefetcher prefetcher, CancellationToken stop)
    {
        SoftQUpdate update = learner.Update;
        long ratio = _train.TrainStepsPerEnvStep;
        long budget = _train.EnvSteps;
        Publish();
        _ready = true;
        Log($"{_train.Env}, {(counters.PublishedVersion > 1 ? "resumed" : "starting")} at {update.Updates} updates, version {counters.PublishedVersion}, instance {Instance}; budget {budget} env steps, {ratio} update(s) per env step");

        int epoch = counters.Epoch;
        using MetricsLog metrics = MetricsLog.Open(_train.Out, e => e.Epoch < epoch);
        if (counters.Done)
        {
            if (!File.Exists(Path.Combine(_train.Out, FinalReport.SummaryFileName))) Finish(metrics, final: false);
            MarkDone();
            return;
        }

        var stats = new UpdateStatistics();
        long trainTicks = 0, evalTicks = 0, epochStartTicks = 0, epochStartUpdates = update.Updates;
        long nextLog = Stopwatch.GetTimestamp();
        long logEvery = (long)(_serve.LogInterval * Stopwatch.Frequency);
        long lastLogUpdates = update.Updates, lastLogAt = Stopwatch.GetTimestamp();

        while (!stop.IsCancellationRequested)
        {
            long envSteps = _progress.EnvSteps;
            long allowed = envSteps >= _train.MinReplaySize ? ratio * Math.Min(envSteps, budget) : 0;
            if (Stopwatch.GetTimestamp() >= nextLog)
            {
                long now = Stopwatch.GetTimestamp();
                LogProgress(envSteps, update.Updates - lastLogUpdates, (double)(now - lastLogAt) / Stopwatch.Frequency, prefetcher);
                (lastLogUpdates, lastLogAt, nextLog) = (update.Updates, now, now + logEvery);
            }
            if (update.Updates >= allowed)
            {
                if (envSteps >= budget && update.Updates >= ratio * budget) break;
                Thread.Sleep(5); // wait for the actors' next inserts
                continue;
            }
            if (!prefetcher.Started)
            {
                prefetcher.Start();
                Interlocked.CompareExchange(ref _firstUpdateAt, Stopwatch.GetTimestamp(), 0);
            }

            ReplaySample sample = prefetcher.Take(stop);
            long started = Stopwatch.GetTimestamp();
            UpdateResult result = update.Update(sample.Batch);
            long elapsed = Stopwatch.GetTimestamp() - started;
            stats.Add(result);
            telemetry.Updated(result, elapsed);
            trainTicks += elapsed;
            prefetcher.Return(sample);
            Interlocked.Exchange(ref _updates, update.Updates);
            if (update.Updates % _serve.PublishInterval == 0) Publish();

            long trained = Trained();
            while (trained >= counters.NextEpochEnd && trained < budget)
            {
                evalTicks += EndEpoch(metrics, counters.NextEpochEnd, ref stats, trainTicks, evalTicks, prefetcher, ref epochStartTicks, ref epochStartUpdates);
                counters.NextEpochEnd += _train.EpochLength;
            }
            if (trained >= counters.NextCheckpoint && trained < budget)
            {
                counters.EnvSteps = _progress.EnvSteps;
                ServeCheckpoint.Save(_train.Out, learner, counters, _train, configuration.SoftQ);
                Log($"checkpoint at {update.Updates} updates ({trained} trained env steps)");
                while (counters.NextCheckpoint <= trained) counters.NextCheckpoint += _train.CheckpointInterval;
            }
        }
        if (stop.IsCancellationRequested) return;

        // The budget is reached and the updates caught up: the epoch that ends here, then the end of the run.
        EndEpoch(metrics, budget, ref stats, trainTicks, evalTicks, prefetcher, ref epochStartTicks, ref epochStartUpdates);
        counters.NextEpochEnd += _train.EpochLength;
        Finish(metrics, final: true);
        MarkDone();
    }

    /// <summary>Trained env steps: the env steps the updates so far stand for.</summary>
    private long Trained() => _train.TrainStepsPerEnvStep > 0 ? learner.Update.Updates / _train.TrainStepsPerEnvStep : _progress.EnvSteps;

    private long EndEpoch(MetricsLog metrics, long envSteps, ref UpdateStatistics stats, long trainTicks, long evalTicks, BatchPrefetcher prefetcher,
        ref long epochStartTicks, ref long epochStartUpdates)
    {
        long started = Stopwatch.GetTimestamp();
        EvaluationResult eval = Evaluator.Epoch(_train, learner.Networks.Policy, gemm, counters.Epoch, learner.Update.Settings.DeterministicPolicy);
        long evalEnded = Stopwatch.GetTimestamp();
        telemetry.Evaluated(eval);
        double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
        double epochTrain = Seconds(trainTicks - epochStartTicks);
        SoftQUpdate update = learner.Update;
        metrics.Append(EpochMetrics.From(counters.Epoch, envSteps, update, reports.Summary().Episodes, eval, stats, (int)Math.Min(int.MaxValue, _progress.Size),
            _train.BatchSize, Seconds(trainTicks), prefetcher.WaitSeconds, Seconds(evalTicks + evalEnded - started),
            epochTrain > 0 ? (update.Updates - epochStartUpdates) / epochTrain : 0));
        stats = new UpdateStatistics();
        epochStartTicks = trainTicks;
        epochStartUpdates = update.Updates;
        counters.Epoch++;
        return evalEnded - started;
    }

    /// <summary>Final checkpoint, final evaluation, plots, summary.json.</summary>
    private void Finish(MetricsLog metrics, bool final)
    {
        if (final)
        {
            if (Updates % _serve.PublishInterval != 0) Publish();
            counters.Done = true;
            counters.EnvSteps = _progress.EnvSteps;
            ServeCheckpoint.Save(_train.Out, learner, counters, _train, configuration.SoftQ);
        }
        _updatesPerSecond = UpdatesPerSecond;
        RunSummary summary = FinalReport.Write(_train, metrics.Epochs, learner, Math.Max(counters.EnvSteps, _progress.EnvSteps), gemm,
            () => _clock.Elapsed.TotalSeconds, _resumed, Log);
        Log($"done: {summary.ToJson()}");
    }

    private void MarkDone()
    {
        _updatesPerSecond = UpdatesPerSecond;
        _done = true;
    }

    private void Publish()
    {
        counters.PublishedVersion++;
        publisher.Publish(PolicyParameters.From(learner.Networks.Policy, counters.PublishedVersion, Instance, (ulong)learner.Update.Updates, _train.Env));
    }

    private void LogProgress(long envSteps, long updates, double seconds, BatchPrefetcher prefetcher)
    {
        ActorSummary actors = reports.Summary();
        Log($"env steps {envSteps}/{_train.EnvSteps} | updates {learner.Update.Updates} | {(seconds > 0 ? updates / seconds : 0):F0} updates/s | version {counters.PublishedVersion} " +
            $"{(double.IsNaN(actors.RecentMeanReturn) ? "" : $"| return {actors.RecentMeanReturn:F1} ")}| lag {actors.MeanPolicyLagVersions:F1} | sample wait {prefetcher.WaitSeconds:F1} s | {sampler.Timeouts} late samples | {actors.ActorsReporting} actor node(s)");
    }

    private static void Log(string message) => Console.Error.WriteLine($"learner: {message}");
}
