using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SoftQDistributed.TestSupport;

/// <summary>
/// A real child process started by a test (<c>dotnet ROLE.dll ARGS</c> from the test's output folder): its stdout
/// and stderr collected line by line, its <c>... listening on URL [URL]</c> line parsed, <c>/readyz</c> polled,
/// SIGTERM or kill -9 sent. Every wait is bounded; disposing kills what is still running.
/// </summary>
internal abstract partial class ChildProcess : IAsyncDisposable
{
    private const int Sigint = 2;
    private const int Sigterm = 15;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan KillLimit = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly List<(bool IsError, string Line)> _lines = [];
    private readonly TaskCompletionSource<string[]> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts the process; a stdout line starting with <paramref name="listeningPrefix"/> carries its addresses.</summary>
    protected ChildProcess(ProcessStartInfo info, string name, string? listeningPrefix = null)
    {
        Name = name;
        _process = Process.Start(info) ?? throw new InvalidOperationException($"could not start the {name}");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_lines) _lines.Add((false, e.Data));
            if (listeningPrefix is not null && e.Data.StartsWith(listeningPrefix, StringComparison.Ordinal))
                _listening.TrySetResult(e.Data[listeningPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_lines) _lines.Add((true, e.Data));
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Exited = _process.WaitForExitAsync();
    }

    /// <summary>What the process is, for messages ("replay shard", "learner", ...).</summary>
    public string Name { get; }

    public int Pid => _process.Id;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited { get; }

    public int ExitCode => _process.ExitCode;

    /// <summary>Every stdout and stderr line so far, in the order they arrived.</summary>
    public string Output
    {
        get { lock (_lines) return string.Join('\n', _lines.Select(l => l.Line)); }
    }

    public string Stderr
    {
        get { lock (_lines) return string.Join('\n', _lines.Where(l => l.IsError).Select(l => l.Line)); }
    }

    public string? LastStdoutLine
    {
        get { lock (_lines) return _lines.LastOrDefault(l => !l.IsError).Line; }
    }

    /// <summary><c>dotnet DLL ARGS</c>, the DLL from the test's output folder, stdout and stderr redirected.</summary>
    public static ProcessStartInfo Dotnet(string dll, string workingDirectory, IEnumerable<string> arguments) =>
        Executable("dotnet", workingDirectory, [Path.Combine(AppContext.BaseDirectory, dll), .. arguments]);

    /// <summary>An executable with its arguments, stdout and stderr redirected.</summary>
    public static ProcessStartInfo Executable(string file, string workingDirectory, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }

    /// <summary>The addresses on the listening line (bounded wait); kills the process and throws with its output when it exits or times out first.</summary>
    protected async Task<string[]> ListeningAddressesAsync()
    {
        Task first = await Task.WhenAny(_listening.Task, Exited, Task.Delay(StartLimit));
        if (first != _listening.Task)
        {
            if (!_process.HasExited) _process.Kill();
            throw new InvalidOperationException($"{Name} did not start:\n{Output}");
        }
        return await _listening.Task;
    }

    /// <summary>The status code of <c>GET /readyz</c> on the process's HTTP address.</summary>
    public static async Task<int> ReadyzStatusAsync(Uri http)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using HttpResponseMessage response = await client.GetAsync(new Uri(http, "/readyz"));
        return (int)response.StatusCode;
    }

    /// <summary>Polls <c>/readyz</c> (bounded) until it answers 200.</summary>
    protected Task WaitUntilReadyAsync(Uri http, TimeSpan within) =>
        Eventually.ReturnsAsync(() => ReadyzStatusAsync(http), status => status == 200, $"{Name} becoming ready", within, () => Output);

    /// <summary>kill -9: no chance to snapshot or checkpoint.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await Exited.WaitAsync(KillLimit);
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod; waits (60 s unless told) for the graceful exit and returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan? within = null)
    {
        Terminate(_process.Id);
        await Exited.WaitAsync(within ?? ExitLimit);
        return _process.ExitCode;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await Exited.WaitAsync(KillLimit);
        }
        _process.Dispose();
    }

    /// <summary>Runs a process expected to exit by itself (bounded wait): its exit code, standard output and standard error.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunToExitAsync(ProcessStartInfo info) => ExternalTool.RunAsync(info, null, ExitLimit);

    /// <summary>SIGTERM to any process by id.</summary>
    public static void Terminate(int pid)
    {
        if (SendSignal(pid, Sigterm) != 0) throw new InvalidOperationException($"kill -TERM {pid} failed");
    }

    /// <summary>SIGINT (Ctrl-C) to any process by id.</summary>
    public static void Interrupt(int pid)
    {
        if (SendSignal(pid, Sigint) != 0) throw new InvalidOperationException($"kill -INT {pid} failed");
    }

    /// <summary>kill -9 of any process by id.</summary>
    public static void KillHard(int pid) => Process.GetProcessById(pid).Kill();

    /// <summary>True while a process with this id exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
