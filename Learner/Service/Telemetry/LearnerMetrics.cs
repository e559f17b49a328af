using System.Diagnostics;
using System.Diagnostics.Metrics;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Learner.Service.Telemetry;

/// <summary>
/// The learner service's instruments, on a meter of its own (named <see cref="SoftQMeter.Name"/>) that goes away
/// with the service. Counters and versions are read from the learner, the service counters and the actor reports
/// when scraped; an update costs three field writes and one histogram record (no allocation). Exported names (see
/// <see cref="PrometheusNaming"/>): softq_learner_updates_total, softq_learner_skipped_updates_total,
/// softq_learner_q_loss, softq_learner_bellman_error, softq_learner_policy_surrogate,
/// softq_learner_parameter_version, softq_learner_update_duration_seconds, softq_learner_sample_wait_seconds_total,
/// softq_learner_eval_return, softq_learner_env_steps, softq_learner_policy_lag_versions,
/// softq_learner_episode_return.
/// </summary>
public sealed class LearnerMetrics : IDisposable
{
    private readonly Meter _meter = new(SoftQMeter.Name);
    private readonly Histogram<double> _updateDuration;
    private double _qLoss = double.NaN, _bellmanError = double.NaN, _policySurrogate = double.NaN, _evalReturn = double.NaN;
    private Func<long>? _envSteps;
    private Func<double>? _sampleWaitSeconds;

    public LearnerMetrics(LearnerState learner, ServeCounters counters, ActorReports reports)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(reports);
        SoftQUpdate update = learner.Update;
        _meter.CreateObservableCounter("learner.updates", () => update.Updates, "{update}",
            "Gradient updates applied, counted from the checkpoint the learner resumed from");
        _meter.CreateObservableCounter("learner.skipped_updates", () => update.SkippedUpdates, "{update}",
            "Updates skipped because a loss or gradient was not finite (nothing applied)");
        _meter.CreateObservableGauge("learner.q_loss", () => Latest(ref _qLoss), "1", "Soft Q loss of the latest applied update");
        _meter.CreateObservableGauge("learner.bellman_error", () => Latest(ref _bellmanError), "1",
            "Mean squared Bellman error of the latest applied update");
        _meter.CreateObservableGauge("learner.policy_surrogate", () => Latest(ref _policySurrogate), "1",
            "Magnitude (absolute value) of the SVGD policy surrogate of the latest applied update");
        _meter.CreateObservableGauge("learner.parameter_version", () => (long)counters.PublishedVersion, "{version}",
            "Version of the newest published sampling-network parameters");
        _updateDuration = _meter.CreateHistogram<double>("learner.update_duration", "s", "Time of one update step (minibatch already sampled)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Seconds });
        _meter.CreateObservableCounter("learner.sample_wait", SampleWait, "s",
            "Time the update loop waited for a prefetched minibatch that was not there yet");
        _meter.CreateObservableGauge("learner.eval_return", () => Latest(ref _evalReturn), "1",
            "Mean return of the latest evaluation episodes (every epoch)");
        _meter.CreateObservableGauge("learner.env_steps", EnvSteps, "{step}",
            "Environment steps in the replay: the shards' inserted transitions, summed");
        _meter.CreateObservableGauge("learner.policy_lag_versions", reports.CurrentPolicyLagVersions, "{version}",
            "Published version minus the version actor nodes act with, mean over the nodes reporting now");
        _meter.CreateObservableGauge("learner.episode_return", () => RecentReturn(reports), "1",
            $"Mean return of the latest {ActorReports.RecentEpisodes} episodes the actor nodes reported");
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
        _updateDuration.Record((double)elapsedTicks / Stopwatch.Frequency);
        if (result.Skipped) return;
        Volatile.Write(ref _qLoss, result.QLoss);
        Volatile.Write(ref _bellmanError, result.MeanSquaredBellmanError);
        Volatile.Write(ref _policySurrogate, Math.Abs(result.PolicySurrogate));
    }

    public void Evaluated(EvaluationResult evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        Volatile.Write(ref _evalReturn, evaluation.MeanReturn);
    }

    public void Dispose() => _meter.Dispose();

    // Before the first value there is nothing to report: no sample rather than NaN.
    private static IEnumerable<Measurement<double>> Latest(ref double field)
    {
        double value = Volatile.Read(ref field);
        return double.IsNaN(value) ? [] : [new Measurement<double>(value)];
    }

    private static IEnumerable<Measurement<double>> RecentReturn(ActorReports reports)
    {
        double value = reports.Summary().RecentMeanReturn;
        return double.IsNaN(value) ? [] : [new Measurement<double>(value)];
    }

    private IEnumerable<Measurement<long>> EnvSteps() =>
        Volatile.Read(ref _envSteps) is { } read ? [new Measurement<long>(read())] : [];

    private double SampleWait() => Volatile.Read(ref _sampleWaitSeconds) is { } read ? read() : 0;
}
