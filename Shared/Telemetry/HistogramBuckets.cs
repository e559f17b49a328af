namespace SoftQDistributed.Shared.Telemetry;

/// <summary>
/// Bucket upper bounds for histograms, chosen in this order: the exporter's per-name override, the instrument's
/// advice (<c>InstrumentAdvice.HistogramBucketBoundaries</c>), the per-name defaults below, then a default by unit.
/// </summary>
public static class HistogramBuckets
{
    /// <summary>Durations from 100 µs to 5 min (seconds).</summary>
    public static readonly double[] Seconds =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    /// <summary>Sizes from 1 KiB to 1 GiB, ×4 apart (bytes).</summary>
    public static readonly double[] Bytes =
        [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824];

    /// <summary>OpenTelemetry's default bounds, for anything else.</summary>
    public static readonly double[] Default = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    /// <summary>Episode returns: negative (Pendulum, about −1500..0) and positive (MultiGoal) alike.</summary>
    public static readonly double[] Returns =
        [-2000, -1500, -1000, -750, -500, -250, -150, -100, -50, -25, -10, -5, 0, 5, 10, 25, 50, 100, 250, 500, 1000];

    /// <summary>Snapshots of up to a million rows take seconds to minutes.</summary>
    public static readonly double[] SnapshotSeconds = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    /// <summary>Defaults by exported name, for instruments that give no advice.</summary>
    public static readonly IReadOnlyDictionary<string, double[]> ByName = new Dictionary<string, double[]>(StringComparer.Ordinal)
    {
        ["softq_actor_episode_return"] = Returns,
        ["softq_learner_episode_return"] = Returns,
        ["softq_replay_snapshot_duration_seconds"] = SnapshotSeconds,
    };

    /// <summary>The default for an exported name and its unit suffix ("seconds", "bytes" or "").</summary>
    public static double[] For(string exportedName, string unitSuffix) =>
        ByName.TryGetValue(exportedName, out double[]? bounds) ? bounds
        : unitSuffix switch { "seconds" => Seconds, "bytes" => Bytes, _ => Default };
}
