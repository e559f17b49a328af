using Prometheus;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Actors.Telemetry;

/// <summary>
/// An actor node's metrics on its role's registry. Env steps, episodes, versions and the sender's counters are read
/// before each scrape, so a step pays nothing for them; a finished episode (its return), a stored batch (its push
/// latency) and the forwarder's credit record as they happen, without allocating. Series:
/// softq_actor_env_steps_total, softq_actor_episodes_total, softq_actor_episode_return, softq_actor_policy_version,
/// softq_actor_policy_lag_versions, softq_actor_push_duration_seconds, softq_actor_buffered_transitions,
/// softq_actor_retried_transitions_total, softq_actor_dropped_transitions_total, softq_actor_pace_wait_seconds_total,
/// softq_actor_buffer_wait_seconds_total, and the flow control to the replay shards:
/// softq_cluster_flow_in_flight_batches, softq_cluster_flow_window_batches.
/// </summary>
public sealed class ActorNodeMetrics
{
    /// <summary>Episode returns: negative (Pendulum, about −1500..0) and positive (MultiGoal) alike.</summary>
    private static readonly double[] Returns =
        [-2000, -1500, -1000, -750, -500, -250, -150, -100, -50, -25, -10, -5, 0, 5, 10, 25, 50, 100, 250, 500, 1000];

    private readonly RoleMetrics _metrics;
    private readonly Histogram _episodeReturn;
    private readonly Histogram _pushDuration;
    private readonly Gauge _inFlight;
    private readonly Gauge _window;
    private int _observed;

    public ActorNodeMetrics(RoleMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _metrics = metrics;
        IMetricFactory f = metrics.Factory;
        _episodeReturn = f.CreateHistogram("softq_actor_episode_return", "Return of each episode the node finished",
            new HistogramConfiguration { Buckets = Returns });
        _pushDuration = f.CreateHistogram("softq_actor_push_duration_seconds", "Time from sending a batch to a replay shard to its acknowledgement",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 22) }); // 100 µs to 3.5 min
        _inFlight = f.CreateGauge("softq_cluster_flow_in_flight_batches", "Batches sent to replay shards and not acknowledged yet (flow control by credit)");
        _window = f.CreateGauge("softq_cluster_flow_window_batches",
            "Batches the node may have unacknowledged now: the window per shard times the shards that take batches");
    }

    /// <summary>Reads the node's parts before each scrape (once; the parts refer to each other, so this comes after they are built).</summary>
    public void Observe(ActorNode node, TransitionSender sender, PaceGate pace)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(pace);
        if (Interlocked.Exchange(ref _observed, 1) != 0) return;
        IMetricFactory f = _metrics.Factory;
        Counter envSteps = f.CreateCounter("softq_actor_env_steps_total", "Environment steps taken (transitions produced) since the node started");
        Counter episodes = f.CreateCounter("softq_actor_episodes_total", "Episodes finished since the node started");
        Gauge version = f.CreateGauge("softq_actor_policy_version", "Parameter version the node acts with (0 before the first parameters)");
        Gauge lag = f.CreateGauge("softq_actor_policy_lag_versions",
            "The learner's newest version (from its latest pace message) minus the version the node acts with",
            new GaugeConfiguration { SuppressInitialValue = true });
        Gauge buffered = f.CreateGauge("softq_actor_buffered_transitions",
            "Transitions buffered (filling, waiting and in flight); stepping blocks when the bound is reached");
        Counter retried = f.CreateCounter("softq_actor_retried_transitions_total",
            "Transitions sent again: their shard left the cluster or did not acknowledge in time");
        Counter paceWait = f.CreateCounter("softq_actor_pace_wait_seconds_total", "Time the rollout waited for the cluster-wide pace (the learner behind)");
        Counter bufferWait = f.CreateCounter("softq_actor_buffer_wait_seconds_total",
            "Time the rollout waited for a full send buffer (the shards not acknowledging)");
        Counter dropped = f.CreateCounter("softq_actor_dropped_transitions_total",
            "Transitions given up: a stop that ran out of time, or a batch a shard refused as invalid");
        _metrics.BeforeScrape(() =>
        {
            envSteps.IncTo(node.EnvSteps);
            episodes.IncTo(node.Episodes);
            version.Set(node.ActingVersion);
            ulong learner = pace.Last?.PolicyVersion ?? 0, acting = node.ActingVersion;
            if (learner == 0 || acting == 0) lag.Unpublish(); // not acting yet, or no pace yet
            else lag.Set(learner > acting ? learner - acting : 0);
            buffered.Set(sender.Buffered);
            retried.IncTo(sender.Retried);
            paceWait.IncTo(pace.WaitTime.TotalSeconds);
            bufferWait.IncTo(sender.BlockedTime.TotalSeconds);
            dropped.IncTo(sender.Dropped);
        });
    }

    public void EpisodeFinished(float episodeReturn) => _episodeReturn.Observe(episodeReturn);

    /// <summary>A shard acknowledged a batch <paramref name="elapsed"/> after it was sent.</summary>
    public void Pushed(TimeSpan elapsed) => _pushDuration.Observe(elapsed.TotalSeconds);

    /// <summary>The forwarder's credit now: batches in flight, and how many it may have.</summary>
    public void FlowControl(int inFlight, int window)
    {
        _inFlight.Set(inFlight);
        _window.Set(window);
    }
}
