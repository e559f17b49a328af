using System.Diagnostics.Metrics;
using SoftQDistributed.Shared.Replay;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.ReplayService.Telemetry;

/// <summary>
/// A shard's instruments, on a meter of its own (named <see cref="SoftQMeter.Name"/>) that goes away with the shard.
/// Sizes and counters are read from the table when scraped, so inserts and samples pay nothing for them; only
/// snapshots record as they happen. Exported names (see <see cref="PrometheusNaming"/>): softq_replay_size,
/// softq_replay_capacity, softq_replay_inserted_transitions_total, softq_replay_sampled_transitions_total,
/// softq_replay_rejected_total{reason}, softq_replay_rate_limiter_blocked_seconds_total{operation},
/// softq_replay_snapshot_duration_seconds, softq_replay_snapshot_last_success_timestamp_seconds,
/// softq_replay_snapshot_failures_total, softq_replay_restored_transitions.
/// </summary>
public sealed class ReplayShardMetrics : IDisposable
{
    private readonly Meter _meter = new(SoftQMeter.Name);
    private readonly Histogram<double> _snapshotDuration;
    private readonly Counter<long> _snapshotFailures;
    private long _restored;
    private long _lastSuccessTicks; // UTC ticks; 0 until a snapshot is written or restored

    public ReplayShardMetrics(ReplayShard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ReplayTable table = shard.Table;
        _meter.CreateObservableGauge("replay.size", () => (long)table.Count, "{transition}", "Transitions the shard holds now");
        _meter.CreateObservableGauge("replay.capacity", () => (long)table.Settings.Capacity, "{transition}", "Transitions the shard can hold");
        _meter.CreateObservableCounter("replay.inserted_transitions", () => table.Info().TotalInserted, "{transition}",
            "Transitions inserted since the shard's data began (restored with its snapshot)");
        _meter.CreateObservableCounter("replay.sampled_transitions", () => table.Info().TotalSampled, "{transition}",
            "Transitions sampled since the shard's data began (restored with its snapshot)");
        _meter.CreateObservableCounter("replay.rejected", () => shard.Rejected.Select(r => new Measurement<long>(r.Value, new KeyValuePair<string, object?>("reason", r.Key))),
            "{call}", "Calls the shard refused or failed, by reason (bad input, rate-limit deadline, shutting down, unauthenticated, ...)");
        _meter.CreateObservableCounter("replay.rate_limiter.blocked", BlockedSeconds(table), "s",
            "Time inserts and samples spent waiting for the rate limiter (counted when each wait ends)");
        _snapshotDuration = _meter.CreateHistogram<double>("replay.snapshot.duration", "s", "Time to write one snapshot",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.SnapshotSeconds });
        _meter.CreateObservableGauge("replay.snapshot.last_success_timestamp", LastSuccessSeconds, "s",
            "Unix time of the newest snapshot written or restored; 0 before the first");
        _snapshotFailures = _meter.CreateCounter<long>("replay.snapshot.failures", "{snapshot}", "Snapshots that failed to be written");
        _meter.CreateObservableGauge("replay.restored_transitions", () => Interlocked.Read(ref _restored), "{transition}",
            "Transitions restored from a snapshot when the shard started");
    }

    public void SnapshotWritten(TimeSpan duration, DateTimeOffset at)
    {
        _snapshotDuration.Record(duration.TotalSeconds);
        Interlocked.Exchange(ref _lastSuccessTicks, at.UtcTicks);
    }

    public void SnapshotFailed() => _snapshotFailures.Add(1);

    public void Restored(long transitions, DateTimeOffset? snapshotTime)
    {
        Interlocked.Exchange(ref _restored, transitions);
        if (snapshotTime is { } at) Interlocked.CompareExchange(ref _lastSuccessTicks, at.UtcTicks, 0);
    }

    public void Dispose() => _meter.Dispose();

    private double LastSuccessSeconds()
    {
        long ticks = Interlocked.Read(ref _lastSuccessTicks);
        return ticks == 0 ? 0 : (ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;
    }

    private static Func<IEnumerable<Measurement<double>>> BlockedSeconds(ReplayTable table) => () =>
    {
        ReplayTableInfo info = table.Info();
        return
        [
            new Measurement<double>(info.InsertBlocked.TotalSeconds, new KeyValuePair<string, object?>("operation", "insert")),
            new Measurement<double>(info.SampleBlocked.TotalSeconds, new KeyValuePair<string, object?>("operation", "sample")),
        ];
    };
}
