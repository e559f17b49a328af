using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.LearnerApi;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>
/// <c>dotnet SoftQDistributed.Learner.dll launch ...</c> as a real process, with a known token so the test can call
/// the learner; its children are found through DIR/cluster.json. Disposing kills launch and every child it listed.
/// </summary>
internal sealed partial class LaunchProcess : IAsyncDisposable
{
    public const string Token = "cluster-test-token";

    /// <summary>A small MultiGoal run: a few hundred updates a second on two shared cores.</summary>
    public static readonly string[] SmallRun =
    [
        "--env", "multigoal", "--hidden", "32,32", "--batch-size", "32", "--eval-episodes", "5", "--eval-episodes-per-epoch", "2",
        "--epoch-length", "500", "--svgd-particles", "8", "--value-particles", "8", "--threads", "1",
    ];

    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Task _exited;

    private LaunchProcess(Process process, string directory)
    {
        _process = process;
        Directory = directory;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_stdout) _stdout.Add(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _exited = process.WaitForExitAsync();
    }

    public string Directory { get; }

    public int Pid => _process.Id;

    public string ClusterJson => Path.Combine(Directory, "cluster.json");

    public string Stderr
    {
        get { lock (_stderr) return string.Join('\n', _stderr); }
    }

    public string? LastStdoutLine
    {
        get { lock (_stdout) return _stdout.LastOrDefault(); }
    }

    public static LaunchProcess Start(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "SoftQDistributed.Learner.dll"), "launch", "--out", directory, "--progress-interval", "2" }.Concat(args))
            info.ArgumentList.Add(arg);
        info.Environment["SOFTQ__AUTH__TOKEN"] = Token;
        return new LaunchProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start launch"), directory);
    }

    /// <summary>Every child listed in cluster.json, once all have started.</summary>
    public Task<IReadOnlyList<ClusterMember>> MembersAsync(TimeSpan timeout) =>
        Eventually.Until<IReadOnlyList<ClusterMember>>(() =>
        {
            CheckRunning();
            try
            {
                IReadOnlyList<ClusterMember> members = ClusterDescription.Read(ClusterJson);
                return Task.FromResult(members.Count > 0 && members.All(m => m.Pid > 0) ? members : null);
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
            {
                return Task.FromResult<IReadOnlyList<ClusterMember>?>(null);
            }
        }, timeout, "every child in cluster.json");

    public ClusterMember Member(string role, int index) => ClusterDescription.Read(ClusterJson).Single(m => m.Role == role && m.Index == index);

    /// <summary>The learner's status (null while it does not answer).</summary>
    public async Task<LearnerStatus?> StatusAsync()
    {
        CheckRunning();
        ClusterMember learner = Member("learner", 0);
        using var client = new LearnerClient(new Uri(learner.RpcUrl!), new GrpcChannelOptions(AuthToken: Token));
        try
        {
            return await client.StatusAsync(new GrpcCallOptions(TimeSpan.FromSeconds(5)));
        }
        catch (Exception e) when (e is RpcException or HttpRequestException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits (bounded) for a learner status that satisfies <paramref name="condition"/>.</summary>
    public Task<LearnerStatus> StatusWhenAsync(Func<LearnerStatus, bool> condition, TimeSpan timeout, string what) =>
        Eventually.Until(async () => await StatusAsync() is { } status && condition(status) ? status : null, timeout, what);

    /// <summary>Waits (bounded) for launch to exit; its exit code and the JSON of its last stdout line.</summary>
    public async Task<(int ExitCode, JsonObject? Summary)> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"launch did not finish within {timeout.TotalSeconds:F0} s:\n{Stderr}");
        }
        string? last = LastStdoutLine;
        JsonObject? summary = null;
        try
        {
            summary = last is null ? null : JsonNode.Parse(last)?.AsObject();
        }
        catch (System.Text.Json.JsonException)
        {
            // not a summary
        }
        return (_process.ExitCode, summary);
    }

    public string Log(string role, int index) => File.ReadAllText(Path.Combine(Directory, "logs", $"{role}-{index}.log"));

    /// <summary>The part of a child's log written by its latest incarnation.</summary>
    public string LatestIncarnationLog(string role, int index)
    {
        string log = Log(role, index);
        int start = log.LastIndexOf("=== ", StringComparison.Ordinal);
        return start < 0 ? log : log[start..];
    }

    public static void KillHard(int pid) => Process.GetProcessById(pid).Kill();

    public static void Terminate(int pid)
    {
        if (SendSignal(pid, 15) != 0) throw new InvalidOperationException($"kill -TERM {pid} failed");
    }

    private void CheckRunning()
    {
        if (_exited.IsCompleted) throw new InvalidOperationException($"launch exited with code {_process.ExitCode}:\n{Stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        IReadOnlyList<ClusterMember> members = [];
        try
        {
            members = ClusterDescription.Read(ClusterJson);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _exited.WaitAsync(TimeSpan.FromSeconds(30));
        }
        foreach (ClusterMember member in members)
            if (Eventually.IsAlive(member.Pid))
                try
                {
                    Process.GetProcessById(member.Pid).Kill();
                }
                catch (ArgumentException)
                {
                }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
