using Prometheus;
using SoftQDistributed.Shared.Replay;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.ReplayService.Telemetry;

/// <summary>
/// A shard's metrics on its role's registry. Sizes and counters are read from the table before each scrape, so
/// inserts and samples pay nothing for them; only snapshots record as they happen. Series: softq_replay_size,
/// softq_replay_capacity, softq_replay_inserted_transitions_total, softq_replay_sampled_transitions_total,
/// softq_replay_rejected_total{reason}, softq_replay_sample_wait_seconds_total,
/// softq_replay_snapshot_duration_seconds, softq_replay_snapshot_last_success_timestamp_seconds,
/// softq_replay_snapshot_failures_total, softq_replay_restored_transitions.
/// </summary>
public sealed class ReplayShardMetrics
{
    /// <summary>Snapshots of up to a million rows take seconds to minutes.</summary>
    private static readonly double[] SnapshotSeconds = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly Histogram _snapshotDuration;
    private readonly Gauge _lastSuccess;
    private readonly Counter _snapshotFailures;
    private readonly Gauge _restored;

    public ReplayShardMetrics(ReplayShard shard, RoleMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(metrics);
        ReplayTable table = shard.Table;
        IMetricFactory f = metrics.Factory;
        Gauge size = f.CreateGauge("softq_replay_size", "Transitions the shard holds now");
        Gauge capacity = f.CreateGauge("softq_replay_capacity", "Transitions the shard can hold");
        Counter inserted = f.CreateCounter("softq_replay_inserted_transitions_total", "Transitions inserted since the shard's data began (restored with its snapshot)");
        Counter sampled = f.CreateCounter("softq_replay_sampled_transitions_total", "Transitions sampled since the shard's data began (restored with its snapshot)");
        Counter rejected = f.CreateCounter("softq_replay_rejected_total",
            "Calls the shard refused or failed, by reason (bad input, a sample's deadline below the minimum size, shutting down, unauthenticated, ...)", ["reason"]);
        Counter sampleWait = f.CreateCounter("softq_replay_sample_wait_seconds_total",
            "Time gRPC samples spent waiting for the shard to hold --min-size transitions (counted when each wait ends)");
        _snapshotDuration = f.CreateHistogram("softq_replay_snapshot_duration_seconds", "Time to write one snapshot",
            new HistogramConfiguration { Buckets = SnapshotSeconds });
        _lastSuccess = f.CreateGauge("softq_replay_snapshot_last_success_timestamp_seconds", "Unix time of the newest snapshot written or restored; 0 before the first");
        _snapshotFailures = f.CreateCounter("softq_replay_snapshot_failures_total", "Snapshots that failed to be written");
        _restored = f.CreateGauge("softq_replay_restored_transitions", "Transitions restored from a snapshot when the shard started");
        metrics.BeforeScrape(() =>
        {
            ReplayTableInfo info = table.Info();
            size.Set(table.Count);
            capacity.Set(table.Settings.Capacity);
            inserted.IncTo(info.TotalInserted);
            sampled.IncTo(info.TotalSampled);
            foreach ((string reason, long count) in shard.Rejected) rejected.WithLabels(reason).IncTo(count);
            sampleWait.IncTo(info.SampleBlocked.TotalSeconds);
        });
    }

    public void SnapshotWritten(TimeSpan duration, DateTimeOffset at)
    {
        _snapshotDuration.Observe(duration.TotalSeconds);
        _lastSuccess.Set(at.ToUnixTimeMilliseconds() / 1000.0);
    }

    public void SnapshotFailed() => _snapshotFailures.Inc();

    public void Restored(long transitions, DateTimeOffset? snapshotTime)
    {
        _restored.Set(transitions);
        if (snapshotTime is { } at && _lastSuccess.Value == 0) _lastSuccess.Set(at.ToUnixTimeMilliseconds() / 1000.0);
    }
}
