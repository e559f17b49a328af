using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SoftQDistributed.Actors.Tests.Integration;

/// <summary>A real actor-node process on 127.0.0.1, started from the test's output folder; every wait is bounded.</summary>
internal sealed partial class ActorProcess : IAsyncDisposable
{
    private const string ListeningMarker = " listening on ";
    private readonly Process _process;
    private readonly List<string> _output;

    private ActorProcess(Process process, List<string> output, Uri http)
    {
        _process = process;
        _output = output;
        Http = http;
    }

    public Uri Http { get; }

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    public static async Task<ActorProcess> StartAsync(Uri learner, IEnumerable<Uri> shards, int nodeId = 0, IDictionary<string, string>? environment = null, params string[] extra)
    {
        var process = Process.Start(StartInfo(ArgumentsFor(learner, shards, nodeId, extra), environment)) ?? throw new InvalidOperationException("could not start the actor node");
        var lines = new List<string>();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
            if (e.Data.StartsWith($"actor node {nodeId}{ListeningMarker}", StringComparison.Ordinal))
                listening.TrySetResult(e.Data[(e.Data.IndexOf(ListeningMarker, StringComparison.Ordinal) + ListeningMarker.Length)..]);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (lines) lines.Add(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Task first = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            if (!process.HasExited) process.Kill();
            throw new InvalidOperationException("actor node did not start:\n" + string.Join('\n', lines));
        }
        return new ActorProcess(process, lines, new Uri((await listening.Task).Trim()));
    }

    /// <summary>Runs a node expected to refuse to start: its exit code, standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToExitAsync(params string[] arguments)
    {
        using var process = Process.Start(StartInfo(arguments, null)) ?? throw new InvalidOperationException("could not start the actor node");
        Task<string> error = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw new InvalidOperationException("actor node kept running:\n" + await output);
        }
        return (process.ExitCode, await output, await error);
    }

    public static string[] ArgumentsFor(Uri learner, IEnumerable<Uri> shards, int nodeId, params string[] extra) =>
    [
        "--learner", learner.ToString(), "--replay", string.Join(",", shards), "--env", "multigoal", "--envs", "4",
        "--node-id", nodeId.ToString(), "--seed", "1", "--host", "127.0.0.1", "--http-port", "0", "--backend", "managed",
        "--report-interval", "0.2", .. extra,
    ];

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SoftQDistributed.Actors.dll"));
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["Logging__LogLevel__Default"] = "Information";
        info.Environment.Remove("SOFTQ__AUTH__TOKEN");
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return info;
    }

    /// <summary>Polls /readyz (bounded) until the node acts with parameters.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? within = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (within ?? TimeSpan.FromSeconds(30)))
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri(Http, "/readyz"));
            if (response.IsSuccessStatusCode) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("actor node never became ready:\n" + Output);
    }

    public async Task<int> ReadyzStatusAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using HttpResponseMessage response = await http.GetAsync(new Uri(Http, "/readyz"));
        return (int)response.StatusCode;
    }

    /// <summary>SIGTERM; waits (bounded) for the graceful exit and returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan? within = null)
    {
        if (Kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
        await _process.WaitForExitAsync().WaitAsync(within ?? TimeSpan.FromSeconds(60));
        return _process.ExitCode;
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
