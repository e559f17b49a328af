using System.Diagnostics;
using System.Diagnostics.Metrics;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Actors.Telemetry;

/// <summary>
/// An actor node's instruments, on a meter of its own (named <see cref="SoftQMeter.Name"/>) that goes away with the
/// node. Env steps, episodes, versions and the sender's counters are read when scraped, so a step pays nothing for
/// them; only a finished episode (its return) and a stored batch (its push latency) record as they happen, without
/// allocating. Exported names (see <see cref="PrometheusNaming"/>): softq_actor_env_steps_total,
/// softq_actor_episodes_total, softq_actor_episode_return, softq_actor_policy_version,
/// softq_actor_policy_lag_versions, softq_actor_push_duration_seconds, softq_actor_buffered_transitions,
/// softq_actor_retried_transitions_total, softq_actor_dropped_transitions_total.
/// </summary>
public sealed class ActorNodeMetrics : IDisposable
{
    private readonly Meter _meter = new(SoftQMeter.Name);
    private readonly Histogram<double> _episodeReturn;
    private readonly Histogram<double> _pushDuration;
    private int _observed;

    public ActorNodeMetrics()
    {
        _episodeReturn = _meter.CreateHistogram<double>("actor.episode_return", "1", "Return of each episode the node finished",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Returns });
        _pushDuration = _meter.CreateHistogram<double>("actor.push_duration", "s", "Time of one insert call that a replay shard stored",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Seconds });
    }

    /// <summary>Creates the instruments read at scrape time (once; the parts refer to each other, so this comes after they are built).</summary>
    public void Observe(ActorNode node, TransitionSender sender, ActorReporter reporter)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(reporter);
        if (Interlocked.Exchange(ref _observed, 1) != 0) return;
        _meter.CreateObservableCounter("actor.env_steps", () => node.EnvSteps, "{step}", "Environment steps taken (transitions produced) since the node started");
        _meter.CreateObservableCounter("actor.episodes", () => node.Episodes, "{episode}", "Episodes finished since the node started");
        _meter.CreateObservableGauge("actor.policy_version", () => (long)node.ActingVersion, "{version}",
            "Parameter version the node acts with (0 before the first parameters)");
        _meter.CreateObservableGauge("actor.policy_lag_versions", () => PolicyLag(node, reporter), "{version}",
            "The learner's newest version (from its latest report acknowledgement) minus the version the node acts with");
        _meter.CreateObservableGauge("actor.buffered_transitions", () => (long)sender.Buffered, "{transition}",
            "Transitions buffered (filling, waiting and in flight); stepping blocks when the bound is reached");
        _meter.CreateObservableCounter("actor.retried_transitions", () => sender.Retried, "{transition}",
            "Transitions sent again: rerouted from a dead shard, or repeated after a rate-limiter timeout or with no shard live");
        _meter.CreateObservableCounter("actor.dropped_transitions", () => sender.Dropped, "{transition}",
            "Transitions given up: a stop that ran out of time, or a batch a shard refused as invalid");
    }

    public void EpisodeFinished(float episodeReturn) => _episodeReturn.Record(episodeReturn);

    /// <summary>A shard stored a batch; the insert call took <paramref name="elapsedTicks"/> (<see cref="Stopwatch"/> ticks).</summary>
    public void Pushed(long elapsedTicks) => _pushDuration.Record((double)elapsedTicks / Stopwatch.Frequency);

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> PolicyLag(ActorNode node, ActorReporter reporter)
    {
        ulong learner = reporter.LearnerVersion, acting = node.ActingVersion;
        if (learner == 0 || acting == 0) return []; // not acting yet, or no acknowledgement yet
        return [new Measurement<long>(learner > acting ? (long)(learner - acting) : 0)];
    }
}
