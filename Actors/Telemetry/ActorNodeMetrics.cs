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
        _pushDuration = _meter.CreateHistogram<double>("actor.push_duration", "s", "Time from sending a batch to a replay shard to its acknowledgement",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Seconds });
    }

    /// <summary>Creates the instruments read at scrape time (once; the parts refer to each other, so this comes after they are built).</summary>
    public void Observe(ActorNode node, TransitionSender sender, PaceGate pace)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(pace);
        if (Interlocked.Exchange(ref _observed, 1) != 0) return;
        _meter.CreateObservableCounter("actor.env_steps", () => node.EnvSteps, "{step}", "Environment steps taken (transitions produced) since the node started");
        _meter.CreateObservableCounter("actor.episodes", () => node.Episodes, "{episode}", "Episodes finished since the node started");
        _meter.CreateObservableGauge("actor.policy_version", () => (long)node.ActingVersion, "{version}",
            "Parameter version the node acts with (0 before the first parameters)");
        _meter.CreateObservableGauge("actor.policy_lag_versions", () => PolicyLag(node, pace), "{version}",
            "The learner's newest version (from its latest pace message) minus the version the node acts with");
        _meter.CreateObservableGauge("actor.buffered_transitions", () => (long)sender.Buffered, "{transition}",
            "Transitions buffered (filling, waiting and in flight); stepping blocks when the bound is reached");
        _meter.CreateObservableCounter("actor.retried_transitions", () => sender.Retried, "{transition}",
            "Transitions sent again: their shard left the cluster or did not acknowledge in time");
        _meter.CreateObservableCounter("actor.pace_wait", () => pace.WaitTime.TotalSeconds, "s",
            "Time the rollout waited for the cluster-wide pace (the learner behind)");
        _meter.CreateObservableCounter("actor.buffer_wait", () => sender.BlockedTime.TotalSeconds, "s",
            "Time the rollout waited for a full send buffer (the shards not acknowledging)");
        _meter.CreateObservableCounter("actor.dropped_transitions", () => sender.Dropped, "{transition}",
            "Transitions given up: a stop that ran out of time, or a batch a shard refused as invalid");
    }

    public void EpisodeFinished(float episodeReturn) => _episodeReturn.Record(episodeReturn);


    /// <summary>A shard acknowledged a batch <paramref name="elapsed"/> after it was sent.</summary>
    public void Pushed(TimeSpan elapsed) => _pushDuration.Record(elapsed.TotalSeconds);

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> PolicyLag(ActorNode node, PaceGate pace)
    {
        ulong learner = pace.Last?.PolicyVersion ?? 0, acting = node.ActingVersion;
        if (learner == 0 || acting == 0) return []; // not acting yet, or no pace yet
        return [new Measurement<long>(learner > acting ? (long)(learner - acting) : 0)];
    }
}
