using System.Diagnostics;
using System.Text.Json.Nodes;
using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.LearnerApi;
using SoftQDistributed.Shared.Proto.Learner;
using SoftQDistributed.TestSupport;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>
/// <c>dotnet SoftQDistributed.Learner.dll launch ...</c> as a real process, with a known token so the test can call
/// the learner; its children are found through DIR/cluster.json. Disposing kills launch and every child it listed.
/// </summary>
internal sealed class LaunchProcess : ChildProcess
{
    public const string Token = "cluster-test-token";

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
        ProcessStartInfo info = Dotnet("SoftQDistributed.Learner.dll", directory, ["launch", "--out", directory, "--progress-interval", "2", .. args]);
        info.Environment["SOFTQ__AUTH__TOKEN"] = Token;
        return new LaunchProcess(info, directory);
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
