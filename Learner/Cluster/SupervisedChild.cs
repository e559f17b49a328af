using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// A child process under supervision: started as <c>dotnet DLL ARGS</c>, its stdout and stderr appended to
/// <c>logs/&lt;role&gt;-&lt;index&gt;.log</c>, ready once it printed its listening line and <c>/readyz</c> answers
/// 200. An exit nobody asked for is logged on the supervisor's stderr, counted, and followed by a restart with
/// the same arguments (and so the same ports) after a <see cref="RestartBackoff"/> delay.
/// </summary>
public sealed partial class SupervisedChild : IAsyncDisposable
{
    private const int Sigterm = 15;
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly string _logPath;
    private readonly TextWriter _supervisorLog;
    private readonly TimeSpan _readyTimeout;
    private readonly RestartBackoff _backoff = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private StreamWriter? _log;
    private Process? _process;
    private Task _supervision = Task.CompletedTask;
    private int _restarts;
    private TimeSpan _cpuOfEarlierIncarnations;
    private TimeSpan _cpuOfCurrentIncarnation;

    public SupervisedChild(ChildSpec spec, string logDirectory, TextWriter supervisorLog, TimeSpan readyTimeout)
    {
        Spec = spec;
        _logPath = Path.Combine(logDirectory, spec.Name + ".log");
        _supervisorLog = supervisorLog;
        _readyTimeout = readyTimeout;
    }

    public ChildSpec Spec { get; }

    /// <summary>Restart attempts after the first start: one per unexpected exit and one per failed restart.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The current incarnation's process id (0 before the first start).</summary>
    public int Pid
    {
        get { lock (_gate) return _process is { } p ? SafeId(p) : 0; }
    }

    /// <summary>
    /// CPU time (user and system, all threads) of every incarnation so far, as of the last <see cref="SampleCpu"/>:
    /// exact for a running child; an incarnation that has exited since counts its last reading.
    /// </summary>
    public TimeSpan CpuTime
    {
        get { lock (_gate) return _cpuOfEarlierIncarnations + _cpuOfCurrentIncarnation; }
    }

    /// <summary>Reads the running incarnation's CPU time; once it has exited, its last reading stands.</summary>
    public void SampleCpu()
    {
        lock (_gate)
        {
            if (_process is not { } process || HasExited(process)) return;
            try
            {
                _cpuOfCurrentIncarnation = process.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                // it exited between the two calls
            }
        }
    }

    /// <summary>Raised after every start (first and restarts), e.g. to rewrite cluster.json.</summary>
    public event Action<SupervisedChild>? Started;

    /// <summary>
    /// Starts the child and waits (bounded) until it is ready; throws <see cref="ChildFailedException"/> when it
    /// exits or times out first. From then on the child is supervised.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Process process = await LaunchAndWaitReadyAsync(cancellationToken, mustBeReady: true);
        _supervision = SuperviseAsync(process);
    }

    /// <summary>
    /// SIGTERM, then a bounded wait for the exit, then kill -9 of what is left. No restart follows. The CPU time is
    /// read just before the signal: what the child spends on its way out is not counted.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        SampleCpu();
        await _stopping.CancelAsync();
        Process? process;
        lock (_gate) process = _process;
        if (process is not null && !HasExited(process))
        {
            _ = SendSignal(SafeId(process), Sigterm);
            try
            {
                await process.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                _supervisorLog.WriteLine($"{Spec.Name} did not stop within {timeout.TotalSeconds:F0} s of SIGTERM; killing it");
                Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        await _supervision.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        CloseLog();
    }

    /// <summary>kill -9 of the current incarnation, at once and without waiting; no restart follows.</summary>
    public void Kill()
    {
        _stopping.Cancel();
        Process? process;
        lock (_gate) process = _process;
        if (process is not null) KillIncarnation(process);
    }

    /// <summary>Kills one incarnation and leaves supervision running (a failed restart is tried again).</summary>
    private static void KillIncarnation(Process process)
    {
        try
        {
            if (!HasExited(process)) process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }

    /// <summary>The exit code of the current incarnation once it has exited.</summary>
    public int? ExitCode
    {
        get
        {
            lock (_gate) return _process is { } p && HasExited(p) ? p.ExitCode : null;
        }
    }

    private async Task SuperviseAsync(Process process)
    {
        while (true)
        {
            var started = DateTime.UtcNow;
            await process.WaitForExitAsync().ConfigureAwait(false);
            if (_stopping.IsCancellationRequested) return;
            TimeSpan delay = _backoff.Next(DateTime.UtcNow - started);
            Interlocked.Increment(ref _restarts);
            _supervisorLog.WriteLine($"{Spec.Name} (pid {SafeId(process)}) exited unexpectedly with code {process.ExitCode}; restart {Restarts} in {delay.TotalSeconds:F0} s");
            while (true)
            {
                try
                {
                    await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
                    process = await LaunchAndWaitReadyAsync(_stopping.Token, mustBeReady: false).ConfigureAwait(false);
                    _supervisorLog.WriteLine($"{Spec.Name} restarted as pid {SafeId(process)}");
                    break;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (ChildFailedException e)
                {
                    delay = _backoff.Next(TimeSpan.Zero);
                    Interlocked.Increment(ref _restarts);
                    _supervisorLog.WriteLine($"{e.Message}; restart {Restarts} in {delay.TotalSeconds:F0} s");
                }
            }
        }
    }

    /// <summary>
    /// One incarnation: start, wait for the listening line, then for /readyz. A restarted child that is alive but
    /// not ready in time (an actor waiting for a learner that is itself restarting) is left running.
    /// </summary>
    private async Task<Process> LaunchAndWaitReadyAsync(CancellationToken cancellationToken, bool mustBeReady)
    {
        StreamWriter log = OpenLog();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = StartInfo() };
        void Write(string? line, bool stdout)
        {
            if (line is null) return;
            lock (log)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                    // the log was closed after a stop; late lines of a dying child are dropped
                }
            }
            if (stdout && line.StartsWith(Spec.ListeningPrefix, StringComparison.Ordinal)) listening.TrySetResult();
        }
        process.OutputDataReceived += (_, e) => Write(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => Write(e.Data, stdout: false);
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested) throw new OperationCanceledException(_stopping.Token);
            if (!process.Start()) throw new ChildFailedException($"{Spec.Name} could not be started");
            _process?.Dispose(); // the previous incarnation has exited; release its handle and pipes
            _process = process;
            _cpuOfEarlierIncarnations += _cpuOfCurrentIncarnation;
            _cpuOfCurrentIncarnation = TimeSpan.Zero;
        }
        lock (log) log.WriteLine($"=== {Spec.Name} started as pid {process.Id} at {DateTime.UtcNow:O}: dotnet {string.Join(' ', process.StartInfo.ArgumentList)}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Started?.Invoke(this);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_readyTimeout);
        Task exited = process.WaitForExitAsync(CancellationToken.None);
        try
        {
            Task first = await Task.WhenAny(listening.Task, exited, Task.Delay(Timeout.Infinite, deadline.Token)).ConfigureAwait(false);
            if (first == exited) throw new ChildFailedException($"{Spec.Name} exited with code {process.ExitCode} before it listened (see {_logPath})");
            cancellationToken.ThrowIfCancellationRequested();
            if (first != listening.Task) throw new TimeoutException();
            while (!await IsReadyAsync(deadline.Token).ConfigureAwait(false))
            {
                if (HasExited(process)) throw new ChildFailedException($"{Spec.Name} exited with code {process.ExitCode} before it was ready (see {_logPath})");
                await Task.Delay(100, deadline.Token).ConfigureAwait(false);
            }
            return process;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (!mustBeReady && !HasExited(process))
            {
                _supervisorLog.WriteLine($"{Spec.Name} (pid {process.Id}) not ready after {_readyTimeout.TotalSeconds:F0} s; left running");
                return process;
            }
            // At start-up the launch fails as a whole; a restart that failed is retried with back-off.
            if (mustBeReady) Kill();
            else KillIncarnation(process);
            throw new ChildFailedException($"{Spec.Name} was not ready within {_readyTimeout.TotalSeconds:F0} s (see {_logPath})");
        }
    }

    private async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await Probe.GetAsync(new Uri(Spec.HttpUrl, "/readyz"), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // the probe's own timeout
        }
    }

    private ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = Directory.GetCurrentDirectory(),
        };
        info.ArgumentList.Add(Spec.Dll);
        foreach (string argument in Spec.Arguments) info.ArgumentList.Add(argument);
        foreach ((string key, string value) in Spec.Environment) info.Environment[key] = value;
        return info;
    }

    /// <summary>The dotnet host running this process when there is one (dotnet Learner.dll), else dotnet on the PATH.</summary>
    private static string DotnetHost()
    {
        string? path = System.Environment.ProcessPath;
        return path is not null && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
    }

    private StreamWriter OpenLog()
    {
        lock (_gate)
        {
            _log ??= new StreamWriter(new FileStream(_logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            return _log;
        }
    }

    private void CloseLog()
    {
        StreamWriter? log;
        lock (_gate)
        {
            log = _log;
            _log = null;
        }
        if (log is null) return;
        lock (log) log.Dispose();
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static int SafeId(Process process)
    {
        try
        {
            return process.Id;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _supervision.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        CloseLog();
        lock (_gate) _process?.Dispose();
        _stopping.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
