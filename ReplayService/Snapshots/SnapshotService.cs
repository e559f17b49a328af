namespace SoftQDistributed.ReplayService.Snapshots;

/// <summary>
/// Restores the newest snapshot at start (while /readyz says not ready), writes one every interval when the
/// table changed, and a final one on graceful shutdown (SIGTERM, Ctrl-C) after refusing further inserts.
/// </summary>
public sealed class SnapshotService(ReplayShard shard, IHostApplicationLifetime lifetime, ILogger<SnapshotService> logger) : BackgroundService
{
    private long _lastSnapshotInserts = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Run(shard.Restore, stoppingToken).ConfigureAwait(false);
        }
        catch (SnapshotShapeException ex)
        {
            // Serving empty would let the next snapshot prune the data: stop, saying why, in one line.
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            Environment.ExitCode = 2;
            lifetime.ApplicationStarted.Register(lifetime.StopApplication); // stopping mid-start would crash Kestrel's bind
            return;
        }
        _lastSnapshotInserts = shard.Table.Info().TotalInserted;
        if (shard.Settings.SnapshotIntervalSeconds <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(shard.Settings.SnapshotIntervalSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            long inserted = shard.Table.Info().TotalInserted;
            if (inserted == _lastSnapshotInserts) continue;
            try
            {
                await shard.SnapshotAsync(stoppingToken).ConfigureAwait(false);
                _lastSnapshotInserts = inserted;
            }
            catch (IOException ex)
            {
                logger.LogError(ex, "Periodic snapshot failed; the previous one is kept");
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!shard.Ready) return; // never restored: writing now would replace good snapshots with an empty one
        shard.Table.Close();
        await shard.SnapshotAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
