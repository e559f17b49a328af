using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SoftQDistributed.ReplayService.Tests.Integration;

/// <summary>A real shard process on 127.0.0.1 (ports chosen by the OS), started from the test's output folder.</summary>
internal sealed partial class ShardProcess : IAsyncDisposable
{
    private const string ListeningLine = "replay shard listening on ";
    private readonly Process _process;
    private readonly List<string> _output;

    private ShardProcess(Process process, List<string> output, Uri grpc, Uri http)
    {
        _process = process;
        _output = output;
        Grpc = grpc;
        Http = http;
    }

    public Uri Grpc { get; }

    public Uri Http { get; }

    public int Id => _process.Id;

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    public static async Task<ShardProcess> StartAsync(string dataDir, int shardId = 0, params string[] extra)
    {
        var process = Process.Start(StartInfo(dataDir, shardId, extra)) ?? throw new InvalidOperationException("could not start the shard process");
        var lines = new List<string>();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
            if (e.Data.StartsWith(ListeningLine, StringComparison.Ordinal)) listening.TrySetResult(e.Data[ListeningLine.Length..]);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (lines) lines.Add(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Task exited = process.WaitForExitAsync();
        Task first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            if (!process.HasExited) process.Kill();
            throw new InvalidOperationException("shard did not start:\n" + string.Join('\n', lines));
        }
        string[] addresses = (await listening.Task).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var shard = new ShardProcess(process, lines, new Uri(addresses[0]), new Uri(addresses[1]));
        await shard.WaitUntilReadyAsync();
        return shard;
    }

    /// <summary>Runs a shard expected to refuse to start (bounded wait): its exit code and standard error.</summary>
    public static async Task<(int ExitCode, string Error)> RunToExitAsync(string dataDir, params string[] extra)
    {
        using var process = Process.Start(StartInfo(dataDir, 0, extra)) ?? throw new InvalidOperationException("could not start the shard process");
        Task<string> error = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw new InvalidOperationException("shard kept running:\n" + await output);
        }
        await output;
        return (process.ExitCode, await error);
    }

    private static ProcessStartInfo StartInfo(string dataDir, int shardId, string[] extra)
    {
        // SOFTQ_SHARD_EXE runs the same tests against a native-AOT shard executable (see README); otherwise the built dll.
        string? native = Environment.GetEnvironmentVariable("SOFTQ_SHARD_EXE");
        string dll = Path.Combine(AppContext.BaseDirectory, "SoftQDistributed.ReplayService.dll");
        var info = new ProcessStartInfo(string.IsNullOrEmpty(native) ? "dotnet" : Path.GetFullPath(native))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (string.IsNullOrEmpty(native)) info.ArgumentList.Add(dll);
        foreach (string arg in new[] { "--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--shard-id", shardId.ToString(),
                     "--data-dir", dataDir, "--obs-dim", "3", "--act-dim", "2", "--capacity", "1000", "--snapshot-interval", "0" }.Concat(extra))
            info.ArgumentList.Add(arg);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        return info;
    }

    /// <summary>Polls /readyz (bounded): ready once the newest snapshot is restored.</summary>
    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (int attempt = 0; attempt < 300; attempt++)
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri(Http, "/readyz"));
            if (response.IsSuccessStatusCode) return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException("shard never became ready:\n" + Output);
    }

    /// <summary>kill -9: no chance to snapshot.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod; waits for the graceful exit (60 s unless told).</summary>
    public async Task TerminateAsync(TimeSpan? within = null)
    {
        if (Kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
        await _process.WaitForExitAsync().WaitAsync(within ?? TimeSpan.FromSeconds(60));
        Assert.Equal(0, _process.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
