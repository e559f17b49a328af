using System.Diagnostics;
using Prometheus;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Learner.Service.Telemetry;

/// <summary>
/// The learner service's metrics on its role's registry. Counters and versions are read from the learner, the
/// service counters and the actor reports before each scrape; an update costs three gauge sets and one histogram
/// observation (no allocation). A value not known yet (no update, no evaluation) has no sample rather than NaN.
/// Series: softq_learner_updates_total, softq_learner_skipped_updates_total, softq_learner_q_loss,
/// softq_learner_bellman_error, softq_learner_policy_surrogate, softq_learner_parameter_version,
/// softq_learner_update_duration_seconds, softq_learner_sample_wait_seconds_total, softq_learner_eval_return,
/// softq_learner_env_steps, softq_learner_policy_lag_versions, softq_learner_episode_return.
/// </summary>
public sealed class LearnerMetrics
{
    private static readonly GaugeConfiguration NoInitialValue = new() { SuppressInitialValue = true };
    private readonly Histogram _updateDuration;
    private readonly Gauge _qLoss, _bellmanError, _policySurrogate, _evalReturn;
    private Func<long>? _envSteps;
    private Func<double>? _sampleWaitSeconds;

    public LearnerMetrics(LearnerState learner, ServeCounters counters, ActorReports reports, RoleMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(metrics);
        SoftQUpdate update = learner.Update;
        IMetricFactory f = metrics.Factory;
        Counter updates = f.CreateCounter("softq_learner_updates_total", "Gradient updates applied, counted from the checkpoint the learner resumed from");
        Counter skipped = f.CreateCounter("softq_learner_skipped_updates_total", "Updates skipped because a loss or gradient was not finite (nothing applied)");
        _qLoss = f.CreateGauge("softq_learner_q_loss", "Soft Q loss of the latest applied update", NoInitialValue);
        _bellmanError = f.CreateGauge("softq_learner_bellman_error", "Mean squared Bellman error of the latest applied update", NoInitialValue);
        _policySurrogate = f.CreateGauge("softq_learner_policy_surrogate",
            "Magnitude (absolute value) of the SVGD policy surrogate of the latest applied update", NoInitialValue);
        Gauge version = f.CreateGauge("softq_learner_parameter_version", "Version of the newest published sampling-network parameters");
        _updateDuration = f.CreateHistogram("softq_learner_update_duration_seconds", "Time of one update step (minibatch already sampled)",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 22) }); // 100 µs to 3.5 min
        Counter sampleWait = f.CreateCounter("softq_learner_sample_wait_seconds_total",
            "Time the update loop waited for a prefetched minibatch that was not there yet");
        _evalReturn = f.CreateGauge("softq_learner_eval_return", "Mean return of the latest evaluation episodes (every epoch)", NoInitialValue);
        Gauge envSteps = f.CreateGauge("softq_learner_env_steps", "Environment steps in the replay: the shards' inserted transitions, summed", NoInitialValue);
        Gauge lag = f.CreateGauge("softq_learner_policy_lag_versions",
            "Published version minus the version actor nodes act with, mean over the nodes reporting now");
        Gauge episodeReturn = f.CreateGauge("softq_learner_episode_return",
            $"Mean return of the latest {ActorReports.RecentEpisodes} episodes the actor nodes reported", NoInitialValue);
        metrics.BeforeScrape(() =>
        {
            updates.IncTo(update.Updates);
            skipped.IncTo(update.SkippedUpdates);
            version.Set(counters.PublishedVersion);
            if (Volatile.Read(ref _sampleWaitSeconds) is { } wait) sampleWait.IncTo(wait());
            if (Volatile.Read(ref _envSteps) is { } steps) envSteps.Set(steps());
            lag.Set(reports.CurrentPolicyLagVersions());
            SetOrHide(episodeReturn, reports.Summary().RecentMeanReturn);
        });
    }

    /// <summary>Where the live env steps and the prefetcher's wait come from, once the loop has made them.</summary>
    public void Track(Func<long> envSteps, Func<double> sampleWaitSeconds)
    {
        Volatile.Write(ref _envSteps, envSteps);
        Volatile.Write(ref _sampleWaitSeconds, sampleWaitSeconds);
    }

    /// <summary>One update step ran for <paramref name="elapsedTicks"/> (<see cref="Stopwatch"/> ticks).</summary>
    public void Updated(in UpdateResult result, long elapsedTicks)
    {
        _updateDuration.Observe((double)elapsedTicks / Stopwatch.Frequency);
        if (result.Skipped) return;
        _qLoss.Set(result.QLoss);
        _bellmanError.Set(result.MeanSquaredBellmanError);
        _policySurrogate.Set(Math.Abs(result.PolicySurrogate));
    }

    public void Evaluated(EvaluationResult evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        _evalReturn.Set(evaluation.MeanReturn);
    }

    private static void SetOrHide(Gauge gauge, double value)
    {
        if (double.IsNaN(value)) gauge.Unpublish();
        else gauge.Set(value);
    }
}
