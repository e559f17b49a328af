using System.Diagnostics;
using SoftQDistributed.TestSupport;

namespace SoftQDistributed.ReplayService.Tests.Integration;

/// <summary>A real shard process on 127.0.0.1 (ports chosen by the OS), started from the test's output folder.</summary>
internal sealed class ShardProcess : ChildProcess
{
    private ShardProcess(ProcessStartInfo info) : base(info, "replay shard", "replay shard listening on ")
    {
    }

    public Uri Grpc { get; private set; } = null!;

    public Uri Http { get; private set; } = null!;

    /// <summary>Starts a shard and waits (bounded) for its listening line and then until it is ready (the newest snapshot restored).</summary>
    public static async Task<ShardProcess> StartAsync(string dataDir, int shardId = 0, params string[] extra)
    {
        var shard = new ShardProcess(StartInfo(dataDir, shardId, extra));
        try
        {
            string[] addresses = await shard.ListeningAddressesAsync();
            (shard.Grpc, shard.Http) = (new Uri(addresses[0]), new Uri(addresses[1]));
            await shard.WaitUntilReadyAsync(shard.Http, TimeSpan.FromSeconds(30));
            return shard;
        }
        catch
        {
            await shard.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a shard expected to refuse to start (bounded wait): its exit code and standard error.</summary>
    public static async Task<(int ExitCode, string Error)> RunToExitAsync(string dataDir, params string[] extra)
    {
        (int exitCode, _, string error) = await RunToExitAsync(StartInfo(dataDir, 0, extra));
        return (exitCode, error);
    }

    private static ProcessStartInfo StartInfo(string dataDir, int shardId, string[] extra)
    {
        string[] arguments = ["--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--shard-id", shardId.ToString(), "--data-dir", dataDir,
            "--obs-dim", "3", "--act-dim", "2", "--capacity", "1000", "--snapshot-interval", "0", .. extra];
        ProcessStartInfo info = Dotnet("SoftQDistributed.ReplayService.dll", AppContext.BaseDirectory, arguments);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        return info;
    }
}
