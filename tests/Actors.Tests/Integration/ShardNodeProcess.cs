using System.Diagnostics;

namespace SoftQDistributed.TestSupport;

/// <summary>
/// A real replay shard process (role "replay") on 127.0.0.1 joining the cluster at <c>--seeds</c>, MultiGoal-shaped
/// (obs 2, act 2), started from the test's output folder; waits (bounded) until its snapshot is restored and it is an
/// Up member (its /readyz).
/// </summary>
internal sealed class ShardNodeProcess : ChildProcess
{
    private ShardNodeProcess(ProcessStartInfo info) : base(info, "replay shard", "replay shard listening on ")
    {
    }

    public Uri Http { get; private set; } = null!;

    public static async Task<ShardNodeProcess> StartAsync(string dataDir, int shardId, string seeds)
    {
        string[] arguments = ["--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--shard-id", shardId.ToString(), "--data-dir", dataDir,
            "--obs-dim", "2", "--act-dim", "2", "--capacity", "100000", "--snapshot-interval", "0",
            "--cluster-port", "0", "--seeds", seeds];
        ProcessStartInfo info = Dotnet("SoftQDistributed.ReplayService.dll", AppContext.BaseDirectory, arguments);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var shard = new ShardNodeProcess(info);
        try
        {
            string[] addresses = await shard.ListeningAddressesAsync();
            shard.Http = new Uri(addresses[^1]);
            await Readiness.WaitAsync(shard, shard.Http);
            return shard;
        }
        catch
        {
            await shard.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// Polls a process's <c>/readyz</c> until it answers 200, bounded; a probe that times out (a process still starting
/// on a busy machine) counts as not ready yet, not as a failure.
/// </summary>
internal static class Readiness
{
    public static Task WaitAsync(ChildProcess process, Uri http, TimeSpan? within = null) =>
        Eventually.ReturnsAsync(() => StatusAsync(http), status => status == 200, $"{process.Name} becoming ready", within ?? TimeSpan.FromSeconds(60),
            () => process.Output);

    public static async Task<int> StatusAsync(Uri http)
    {
        try
        {
            return await ChildProcess.ReadyzStatusAsync(http);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }
}
