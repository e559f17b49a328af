using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Learner.Service;
using SoftQDistributed.TestSupport;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>
/// <c>dotnet SoftQDistributed.Learner.dll launch ...</c> as a real process, with a known token so the test can call
/// the shards' gRPC edge; its children are found through DIR/cluster.json and the learner is asked over HTTP
/// (<c>GET /status</c>). Disposing kills launch and every child it listed.
/// </summary>
internal sealed class LaunchProcess : ChildProcess
{
    public const string Token = "cluster-test-token";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>A small MultiGoal run: a few hundred updates a second on two shared cores.</summary>
    public static readonly string[] SmallRun =
    [
        "--env", "multigoal", "--hidden", "32,32", "--batch-size", "32", "--eval-episodes", "5", "--eval-episodes-per-epoch", "2",
        "--epoch-length", "500", "--svgd-particles", "8", "--value-particles", "8", "--threads", "1",
    ];

    private LaunchProcess(ProcessStartInfo info, string directory) : base(info, "launch")
    {
        Directory = directory;
    }

    public string Directory { get; }

    public string ClusterJson => Path.Combine(Directory, "cluster.json");

    public static LaunchProcess Start(string directory, params string[] args)
    {
        ProcessStartInfo info = Dotnet("SoftQDistributed.Learner.dll", directory, ["launch", "--out", directory, "--progress-interval", "1", .. args]);
        info.Environment["SOFTQ__AUTH__TOKEN"] = Token;
        return new LaunchProcess(info, directory);
    }

    /// <summary>cluster.json's members once launch says every child is ready (they all start at once).</summary>
    public Task<IReadOnlyList<ClusterMember>> MembersAsync(TimeSpan timeout) =>
        Eventually.Until<IReadOnlyList<ClusterMember>>(() =>
        {
            CheckRunning();
            if (!Stderr.Contains("launch: cluster ready in ", StringComparison.Ordinal)) return Task.FromResult<IReadOnlyList<ClusterMember>?>(null);
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

    /// <summary>The learner's <c>GET /status</c> (null while it does not answer).</summary>
    public async Task<LearnerStatus?> StatusAsync()
    {
        CheckRunning();
        try
        {
            return await Http.GetFromJsonAsync<LearnerStatus>(new Uri(new Uri(Member("learner", 0).HttpUrl), "/status"));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The learner's updates per second over <paramref name="window"/>, from two statuses (bounded waits).</summary>
    public async Task<double> UpdatesPerSecondAsync(TimeSpan window)
    {
        LearnerStatus first = await StatusWhenAsync(_ => true, TimeSpan.FromSeconds(30), "a learner status");
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        LearnerStatus last = await StatusWhenAsync(_ => true, TimeSpan.FromSeconds(30), "a learner status");
        return (last.Updates - first.Updates) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Seconds until the learner's updates/s, over a trailing <paramref name="window"/> of /status polled every 250 ms,
    /// reach <paramref name="rate"/>; null when the learner reached its budget first or <paramref name="timeout"/> passed.
    /// </summary>
    public async Task<double?> SecondsUntilUpdateRateAsync(double rate, TimeSpan window, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var samples = new List<(double Seconds, long Updates, string Instance)>();
        while (clock.Elapsed < timeout)
        {
            if (await StatusAsync() is { } status)
            {
                if (status.Done) return null;
                double now = clock.Elapsed.TotalSeconds;
                samples.Add((now, status.Updates, status.LearnerInstance));
                (double seconds, long updates, _) = samples.First(s => s.Seconds >= now - window.TotalSeconds - 0.01 && s.Instance == status.LearnerInstance);
                if (now - seconds >= window.TotalSeconds * 0.9 && (status.Updates - updates) / (now - seconds) >= rate) return now;
            }
            await Task.Delay(250);
        }
        return null;
    }

    /// <summary>Waits (bounded) for a learner status that satisfies <paramref name="condition"/>.</summary>
    public Task<LearnerStatus> StatusWhenAsync(Func<LearnerStatus, bool> condition, TimeSpan timeout, string what) =>
        Eventually.Until(async () => await StatusAsync() is { } status && condition(status) ? status : null, timeout, what);

    /// <summary>Waits (bounded) for launch to exit; its exit code and the JSON of its last stdout line.</summary>
    public async Task<(int ExitCode, JsonObject? Summary)> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await Exited.WaitAsync(timeout);
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
        return (ExitCode, summary);
    }

    public string Log(string role, int index) => File.ReadAllText(Path.Combine(Directory, "logs", $"{role}-{index}.log"));

    /// <summary>The part of a child's log written by its latest incarnation.</summary>
    public string LatestIncarnationLog(string role, int index)
    {
        string log = Log(role, index);
        int start = log.LastIndexOf("=== ", StringComparison.Ordinal);
        return start < 0 ? log : log[start..];
    }

    private void CheckRunning()
    {
        if (Exited.IsCompleted) throw new InvalidOperationException($"launch exited with code {ExitCode}:\n{Stderr}");
    }

    /// <summary>Kills launch and then every child cluster.json listed that is still alive.</summary>
    public override async ValueTask DisposeAsync()
    {
        IReadOnlyList<ClusterMember> members = [];
        try
        {
            members = ClusterDescription.Read(ClusterJson);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
        }
        await base.DisposeAsync();
        foreach (ClusterMember member in members)
            if (IsAlive(member.Pid))
                try
                {
                    KillHard(member.Pid);
                }
                catch (ArgumentException)
                {
                }
    }
}
