using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SoftQDistributed.Tests.Service;

/// <summary>A real <c>serve</c> process on 127.0.0.1 (ports chosen by the OS), started from the test's output folder.</summary>
internal sealed partial class LearnerProcess : IAsyncDisposable
{
    private const string ListeningLine = "learner listening on ";
    private readonly Process _process;
    private readonly List<string> _output;

    private LearnerProcess(Process process, List<string> output, Uri grpc, Uri http)
    {
        _process = process;
        _output = output;
        Grpc = grpc;
        Http = http;
    }

    public Uri Grpc { get; }

    public Uri Http { get; }

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    public static async Task<LearnerProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "SoftQDistributed.Learner.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory, // no appsettings.json there
        };
        foreach (string arg in new[] { dll, "serve", "--host", "127.0.0.1", "--port", "0", "--http-port", "0" }.Concat(args)) info.ArgumentList.Add(arg);
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the learner process");
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
        Task first = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            if (!process.HasExited) process.Kill();
            lock (lines) throw new InvalidOperationException("learner did not start:\n" + string.Join('\n', lines));
        }
        string[] addresses = (await listening.Task).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new LearnerProcess(process, lines, new Uri(addresses[0]), new Uri(addresses[1]));
    }

    /// <summary>kill -9: no chance to checkpoint.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM; waits (bounded) for the graceful exit and returns its exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        if (Kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
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
