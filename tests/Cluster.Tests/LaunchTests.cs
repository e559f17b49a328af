using System.Text.Json.Nodes;
using SoftQDistributed.Learner.Cluster;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>
/// <c>launch</c> as a process with real shard, learner and actor-node processes on 127.0.0.1, one Akka cluster: a run
/// to its budget, and a stop by SIGTERM. Faults are in <see cref="LaunchFaultTests"/>.
/// </summary>
public sealed class LaunchTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task Launch_trains_to_the_budget_writes_the_distributed_summary_and_stops_every_child()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path,
            [.. LaunchProcess.SmallRun, "--actors", "3", "--shards", "2", "--seed", "1", "--env-steps", "3000", "--eval-episodes", "20"]);
        IReadOnlyList<ClusterMember> members = await launch.MembersAsync(Start);
        Assert.Equal(["shard", "shard", "learner", "actor", "actor", "actor"], members.Select(m => m.Role));
        Assert.All(members, m => Assert.StartsWith("akka.tcp://", m.AkkaAddress, StringComparison.Ordinal));
        Assert.Equal(members.Count, members.Select(m => m.AkkaAddress).Distinct().Count());
        // Each start line shows the addresses cluster.json holds, as the same text.
        Assert.All(members, m => Assert.Contains($"started {m.Role}-{m.Index} (pid {m.Pid}): {m.Addresses()}", launch.Stderr));

        (int exitCode, JsonObject? summary) = await launch.WaitForExitAsync(Run);

        Assert.True(exitCode == 0, launch.Stderr);
        Assert.NotNull(summary);
        Assert.Equal(summary.ToJsonString(), JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory.Path, "summary.json")))!.ToJsonString());
        Assert.Equal("multigoal", (string?)summary["env"]);
        Assert.True((long)summary["env_steps"]! >= 3000);
        Assert.True((long)summary["updates"]! > 0);
        Assert.Equal(20, (int)summary["eval"]!["episodes"]!);
        Assert.Equal(4, summary["eval"]!["goal_counts"]!.AsArray().Count);
        JsonObject distributed = summary["distributed"]!.AsObject();
        Assert.Equal(3, (int)distributed["actors"]!);
        Assert.Equal(2, (int)distributed["shards"]!);
        Assert.True((double)distributed["env_steps_per_second"]! > 0);
        Assert.True((double)distributed["updates_per_second"]! > 0);
        Assert.True((double)distributed["mean_policy_lag_versions"]! >= 0);
        Assert.Equal(0, (long)distributed["transitions_dropped"]!);
        Assert.Equal(0, (int)distributed["child_restarts"]!);
        JsonObject cpu = distributed["cpu_seconds"]!.AsObject();
        Assert.All(["learner", "shards", "actors", "launch"], role => Assert.True((double)cpu[role]! > 0, $"{role}: {cpu}"));
        Assert.Equal((double)cpu["learner"]! + (double)cpu["shards"]! + (double)cpu["actors"]! + (double)cpu["launch"]!, (double)cpu["total"]!, 1e-6);
        Assert.All(ClusterDescription.Read(launch.ClusterJson), m => Assert.False(ChildProcess.IsAlive(m.Pid), $"{m.Role}-{m.Index} still runs"));
        Assert.True(File.Exists(Path.Combine(directory.Path, "learner", "checkpoint.safetensors")));
    }

    [Fact]
    public async Task Sigterm_of_launch_stops_every_child_and_exits_0()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, [.. LaunchProcess.SmallRun, "--actors", "1", "--shards", "1", "--env-steps", "100000"]);
        IReadOnlyList<ClusterMember> members = await launch.MembersAsync(Start);
        await launch.StatusWhenAsync(s => s.EnvSteps >= 200, Run, "200 env steps");

        ChildProcess.Terminate(launch.Pid);

        (int exitCode, _) = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exitCode == 0, launch.Stderr);
        Assert.All(members, m => Assert.False(ChildProcess.IsAlive(m.Pid), $"{m.Role}-{m.Index} still runs"));
        Assert.True(File.Exists(Path.Combine(directory.Path, "learner", "checkpoint.safetensors")));
    }
}
