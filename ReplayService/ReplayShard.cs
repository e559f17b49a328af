using System.Collections.Concurrent;
using SoftQDistributed.ReplayService.Snapshots;
using SoftQDistributed.ReplayService.Telemetry;
using SoftQDistributed.Shared.Replay;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.ReplayService;

/// <summary>The running shard: its table, its snapshot folder, readiness, refusals counted by reason, and its metrics.</summary>
public sealed class ReplayShard(ShardSettings settings, RoleMetrics metrics, ILogger<ReplayShard> logger)
{
    private readonly ConcurrentDictionary<string, long> _rejected = new();
    private readonly SemaphoreSlim _snapshotGate = new(1, 1);
    private volatile bool _ready;
    private long _newestPolicyVersion;

    public ShardSettings Settings { get; } = settings;

    public ReplayTable Table { get; } = new(settings.TableSettings());

    public SnapshotDirectory Snapshots { get; } =
        new(Path.Combine(settings.DataDir, $"shard-{settings.ShardId}"), settings.KeepSnapshots, logger);

    private ReplayShardMetrics? _metrics;

    /// <summary>The shard's instruments (exported at /metrics).</summary>
    public ReplayShardMetrics Metrics => LazyInitializer.EnsureInitialized(ref _metrics, () => new ReplayShardMetrics(this, metrics));

    /// <summary>True once the newest snapshot has been restored and calls are served.</summary>
    public bool Ready => _ready;

    public IReadOnlyDictionary<string, long> Rejected => _rejected;

    public void CountRejection(string reason) => _rejected.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>The highest learner policy version an insert has carried (actors send the version they acted with).</summary>
    public ulong NewestPolicyVersion => (ulong)Interlocked.Read(ref _newestPolicyVersion);

    public void SawPolicyVersion(ulong version)
    {
        long v = (long)Math.Min(version, long.MaxValue), seen;
        while (v > (seen = Interlocked.Read(ref _newestPolicyVersion)) && Interlocked.CompareExchange(ref _newestPolicyVersion, v, seen) != seen) { }
    }

    public void Restore()
    {
        string? restored = Snapshots.RestoreNewest(Table);
        Metrics.Restored(restored is null ? 0 : Table.Count, restored is null ? null : File.GetLastWriteTimeUtc(restored));
        _ready = true;
    }

    /// <summary>Writes a snapshot now (one at a time); the table keeps serving while it is written.</summary>
    public async Task<SnapshotResult> SnapshotAsync(CancellationToken cancellationToken)
    {
        await _snapshotGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            using TableCapture capture = Table.BeginCapture();
            string path;
            long bytes;
            try
            {
                (path, bytes) = await Task.Run(() => Snapshots.Write(capture), CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                Metrics.SnapshotFailed();
                throw;
            }
            Metrics.SnapshotWritten(started.Elapsed, Snapshots.LastSnapshotTime ?? DateTimeOffset.UtcNow);
            logger.LogInformation("Snapshot of {Rows} transitions written to {Path} ({Bytes} bytes, {Seconds:0.###} s)",
                capture.Header.Count, path, bytes, started.Elapsed.TotalSeconds);
            return new SnapshotResult(path, capture.Header.Count, bytes, started.Elapsed);
        }
        finally
        {
            _snapshotGate.Release();
        }
    }
}

/// <summary>What one snapshot wrote.</summary>
public sealed record SnapshotResult(string Path, int Transitions, long Bytes, TimeSpan Duration);
