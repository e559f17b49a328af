using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Hosting;

namespace SoftQDistributed.Benchmarks;

/// <summary>
/// A benchmark process's place in a cluster: the same hosting every role uses (<see cref="ClusterHosting"/>), joined
/// on 127.0.0.1, and the children (real shard processes, or more benchmark processes) it starts and stops.
/// </summary>
internal sealed class ClusterMember : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterMember(IHost host) => _host = host;

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public static async Task<ClusterMember> JoinAsync(string role, string seeds)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSoftQCluster(new ClusterSettings { Port = FreePort(), Seeds = seeds, SplitBrainRole = "" }, role, (_, _) => { });
        IHost host = builder.Build();
        await host.StartAsync();
        var member = new ClusterMember(host);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(member.System).RegisterOnMemberUp(up.SetResult);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return member;
    }

    /// <summary>The replay shard actor of the member at <paramref name="port"/>.</summary>
    public Task<IActorRef> ShardAsync(int port) =>
        System.ActorSelection($"akka.tcp://{ClusterSettings.SystemName}@127.0.0.1:{port}/user/{Topics.ReplayShardActor}").ResolveOne(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts a replay shard process (the real one) as a seed-joining member at <paramref name="port"/>.</summary>
    public static Process StartShard(int shardId, int port, string seeds, int obsDim, int actDim, int capacity, string dataDir) =>
        Start(Path.Combine(RolesDirectory(), "SoftQDistributed.ReplayService.dll"),
            ["--port", "0", "--http-port", "0", "--shard-id", shardId.ToString(), "--obs-dim", obsDim.ToString(), "--act-dim", actDim.ToString(),
             "--capacity", capacity.ToString(), "--data-dir", dataDir, "--snapshot-interval", "0", "--cluster-port", port.ToString(), "--seeds", seeds,
             "--split-brain-role", ""]);

    /// <summary>Starts this benchmark program again with other arguments (a pusher, a subscriber).</summary>
    public static Process StartSelf(IEnumerable<string> arguments) => Start(typeof(ClusterMember).Assembly.Location, arguments);

    private static Process Start(string dll, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment[ParentProcessWatch.Variable] = Environment.ProcessId.ToString(); // a shard exits by itself if this driver dies
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}");
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line && line.Contains("error", StringComparison.OrdinalIgnoreCase)) Console.Error.WriteLine($"[{process.Id}] {line}"); };
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Where the role assemblies are: the Learner's build output, which the benchmarks reference.</summary>
    private static string RolesDirectory() => AppContext.BaseDirectory;

    /// <summary>Resident set of a process in bytes (Linux).</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }

    public static void Stop(Process process)
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }
}
