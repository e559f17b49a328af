using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.Proto.Learner;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>
/// <c>launch</c> as a process with real shard, learner and actor-node processes on 127.0.0.1, and faults injected
/// into its children (kill -9 and SIGTERM of each role) while it trains.
/// </summary>
public sealed partial class LaunchTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan Recover = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Launch_trains_to_the_budget_writes_the_distributed_summary_and_stops_every_child()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, [.. LaunchProcess.SmallRun, "--actors", "2", "--shards", "2", "--seed", "1", "--env-steps", "1500"]);
        IReadOnlyList<ClusterMember> members = await launch.MembersAsync(Start);
        Assert.Equal(["shard", "shard", "learner", "actor", "actor"], members.Select(m => m.Role));

        (int exitCode, JsonObject? summary) = await launch.WaitForExitAsync(Run);

        Assert.True(exitCode == 0, launch.Stderr);
        Assert.NotNull(summary);
        Assert.Equal(summary.ToJsonString(), JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory.Path, "summary.json")))!.ToJsonString());
        Assert.Equal("multigoal", (string?)summary["env"]);
        Assert.True((long)summary["env_steps"]! >= 1500);
        Assert.True((long)summary["updates"]! > 0);
        Assert.Equal(5, (int)summary["eval"]!["episodes"]!);
        Assert.Equal(4, summary["eval"]!["goal_counts"]!.AsArray().Count);
        JsonObject distributed = summary["distributed"]!.AsObject();
        Assert.Equal(2, (int)distributed["actors"]!);
        Assert.Equal(2, (int)distributed["shards"]!);
        Assert.True((double)distributed["env_steps_per_second"]! > 0);
        Assert.True((double)distributed["updates_per_second"]! > 0);
        Assert.True((double)distributed["mean_policy_lag_versions"]! >= 0);
        Assert.Equal(0, (long)distributed["transitions_dropped"]!);
        Assert.Equal(0, (int)distributed["child_restarts"]!);
        Assert.All(ClusterDescription.Read(launch.ClusterJson), m => Assert.False(ChildProcess.IsAlive(m.Pid), $"{m.Role}-{m.Index} still runs"));
        Assert.True(File.Exists(Path.Combine(directory.Path, "learner", "checkpoint.safetensors")));
    }

    [Fact]
    public async Task A_killed_actor_node_is_restarted_and_acts_with_current_parameters_while_training_goes_on()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, [.. LaunchProcess.SmallRun, "--actors", "2", "--shards", "2", "--env-steps", "4000"]);
        await launch.MembersAsync(Start);
        LearnerStatus before = await launch.StatusWhenAsync(s => s.EnvSteps >= 600, Run, "600 env steps");
        ClusterMember actor = launch.Member("actor", 1);

        LaunchProcess.KillHard(actor.Pid);

        await Eventually.Until(() => launch.Member("actor", 1) is { Restarts: >= 1 } m && m.Pid != actor.Pid, Recover, "the actor's restart");
        string acting = await Eventually.Until(() => Task.FromResult(ActingLine().Match(launch.LatestIncarnationLog("actor", 1)) is { Success: true } m ? m.Value : null),
            Recover, "the restarted actor acting");
        ulong version = ulong.Parse(ActingLine().Match(acting).Groups[1].Value);
        Assert.True(version >= before.PolicyVersion, $"the restarted node acts with version {version}, older than {before.PolicyVersion} published before the kill");
        await launch.StatusWhenAsync(s => s.EnvSteps >= before.EnvSteps + 500 && s.Updates > before.Updates, Run, "training going on");

        (int exitCode, JsonObject? summary) = await launch.WaitForExitAsync(Run);
        Assert.True(exitCode == 0, launch.Stderr);
        Assert.True((int)summary!["distributed"]!["child_restarts"]! >= 1);
    }

    [Fact]
    public async Task A_killed_shard_is_restarted_from_its_snapshot_while_the_learner_keeps_updating_and_actors_reroute()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, [.. LaunchProcess.SmallRun, "--actors", "2", "--shards", "2", "--env-steps", "4000", "--snapshot-interval", "1"]);
        await launch.MembersAsync(Start);
        await launch.StatusWhenAsync(s => s.EnvSteps >= 800, Run, "800 env steps");
        ClusterMember shard = launch.Member("shard", 1);
        await Eventually.Until(() => Directory.EnumerateFiles(Path.Combine(directory.Path, "replay"), "snapshot-*.sqr", SearchOption.AllDirectories).Any(f => f.Contains("shard-1")),
            Recover, "a snapshot of shard 1");
        LearnerStatus before = (await launch.StatusAsync())!;

        LaunchProcess.KillHard(shard.Pid);

        await launch.StatusWhenAsync(s => s.Updates >= before.Updates + 100, Recover, "updates after the shard's death");
        await Eventually.Until(() => launch.Member("shard", 1) is { Restarts: >= 1 } m && m.Pid != shard.Pid, Recover, "the shard's restart");
        Assert.Equal(shard.RpcUrl, launch.Member("shard", 1).RpcUrl);
        await Eventually.Until(() => launch.LatestIncarnationLog("shard", 1).Contains("Restored ", StringComparison.Ordinal), Recover, "the restart restoring a snapshot");

        (int exitCode, JsonObject? summary) = await launch.WaitForExitAsync(Run);
        Assert.True(exitCode == 0, launch.Stderr);
        JsonObject distributed = summary!["distributed"]!.AsObject();
        Assert.True((int)distributed["child_restarts"]! >= 1);
        Assert.Equal(0, (long)distributed["transitions_dropped"]!);
        Assert.True((long)distributed["transitions_retried"]! > 0, "no actor rerouted a transition while the shard was down");
    }

    [Fact]
    public async Task A_killed_learner_resumes_from_its_checkpoint_and_actors_take_its_new_broadcasts()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, [.. LaunchProcess.SmallRun, "--actors", "2", "--shards", "2", "--env-steps", "4000", "--checkpoint-interval", "500"]);
        await launch.MembersAsync(Start);
        await Eventually.Until(() => launch.Log("learner", 0).Contains("checkpoint at ", StringComparison.Ordinal), Run, "a periodic checkpoint");
        LearnerStatus before = (await launch.StatusAsync())!;
        ClusterMember learner = launch.Member("learner", 0);

        LaunchProcess.KillHard(learner.Pid);

        await Eventually.Until(() => launch.Member("learner", 0) is { Restarts: >= 1 } m && m.Pid != learner.Pid, Recover, "the learner's restart");
        string beforeKill = launch.Log("learner", 0)[..launch.Log("learner", 0).LastIndexOf("=== ", StringComparison.Ordinal)];
        long checkpointed = long.Parse(CheckpointLine().Matches(beforeKill)[^1].Groups[1].Value);
        string resumed = await Eventually.Until(() => Task.FromResult(ResumedLine().Match(launch.LatestIncarnationLog("learner", 0)) is { Success: true } m ? m.Groups[1].Value : null),
            Recover, "the restarted learner resuming");
        Assert.Equal(checkpointed, long.Parse(resumed));
        LearnerStatus after = await launch.StatusWhenAsync(s => s.LearnerInstance != before.LearnerInstance && s.Updates > (ulong)checkpointed, Recover, "the new learner updating");
        await Eventually.Until(() => launch.Log("actor", 0).Contains("learner instance changed", StringComparison.Ordinal)
            && launch.Log("actor", 1).Contains("learner instance changed", StringComparison.Ordinal), Recover, "both actors taking the new learner's parameters");
        await launch.StatusWhenAsync(s => s.Subscribers >= 2 && s.ActorsReporting >= 2, Recover, "both actors subscribed to and reporting to the new learner");
        Assert.NotEqual(before.LearnerInstance, after.LearnerInstance);

        (int exitCode, JsonObject? summary) = await launch.WaitForExitAsync(Run);
        Assert.True(exitCode == 0, launch.Stderr);
        Assert.True((int)summary!["distributed"]!["child_restarts"]! >= 1);
    }

    [Fact]
    public async Task A_sigterm_of_any_role_loses_nothing()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, [.. LaunchProcess.SmallRun, "--actors", "2", "--shards", "2", "--env-steps", "5000"]);
        await launch.MembersAsync(Start);
        await launch.StatusWhenAsync(s => s.EnvSteps >= 600, Run, "600 env steps");

        // actor: its buffered transitions reach the shards before it exits
        ClusterMember actor = launch.Member("actor", 0);
        LaunchProcess.Terminate(actor.Pid);
        await Eventually.Until(() => launch.Member("actor", 0) is { Restarts: 1 } m && m.Pid != actor.Pid, Recover, "the actor's restart");
        string actorLog = launch.Log("actor", 0);
        Assert.Contains("flushed ", actorLog);
        Assert.Contains(" 0 dropped", actorLog);

        // shard: its final snapshot holds every insert it acknowledged
        ClusterMember shard = launch.Member("shard", 0);
        using (var client = new ReplayShardClient(new Uri(shard.RpcUrl!), new GrpcChannelOptions(AuthToken: LaunchProcess.Token)))
        {
            ulong acknowledged = (await client.InfoAsync(options: new GrpcCallOptions(TimeSpan.FromSeconds(10)))).TotalInserted;
            LaunchProcess.Terminate(shard.Pid);
            await Eventually.Until(() => launch.Member("shard", 0) is { Restarts: 1 } m && m.Pid != shard.Pid, Recover, "the shard's restart");
            InfoResponse restored = await Eventually.Until(async () =>
            {
                try
                {
                    return await client.InfoAsync(options: new GrpcCallOptions(TimeSpan.FromSeconds(5)));
                }
                catch (RpcException)
                {
                    return null;
                }
            }, Recover, "the restarted shard answering");
            Assert.True(restored.TotalInserted >= acknowledged, $"restored {restored.TotalInserted} of {acknowledged} acknowledged inserts");
        }

        // learner: its checkpoint holds the updates it reported
        LearnerStatus reported = (await launch.StatusAsync())!;
        ClusterMember learner = launch.Member("learner", 0);
        LaunchProcess.Terminate(learner.Pid);
        await Eventually.Until(() => launch.Member("learner", 0) is { Restarts: 1 } m && m.Pid != learner.Pid, Recover, "the learner's restart");
        string resumed = await Eventually.Until(() => Task.FromResult(ResumedLine().Match(launch.LatestIncarnationLog("learner", 0)) is { Success: true } m ? m.Groups[1].Value : null),
            Recover, "the restarted learner resuming");
        Assert.True(ulong.Parse(resumed) >= reported.Updates, $"resumed at {resumed} updates, after reporting {reported.Updates}");

        (int exitCode, JsonObject? summary) = await launch.WaitForExitAsync(Run);
        Assert.True(exitCode == 0, launch.Stderr);
        JsonObject distributed = summary!["distributed"]!.AsObject();
        Assert.Equal(3, (int)distributed["child_restarts"]!);
        Assert.Equal(0, (long)distributed["transitions_dropped"]!);
    }

    [Fact]
    public async Task Sigterm_of_launch_stops_every_child_and_exits_0()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, [.. LaunchProcess.SmallRun, "--actors", "1", "--shards", "1", "--env-steps", "100000"]);
        IReadOnlyList<ClusterMember> members = await launch.MembersAsync(Start);
        await launch.StatusWhenAsync(s => s.EnvSteps >= 200, Run, "200 env steps");

        LaunchProcess.Terminate(launch.Pid);

        (int exitCode, _) = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exitCode == 0, launch.Stderr);
        Assert.All(members, m => Assert.False(ChildProcess.IsAlive(m.Pid), $"{m.Role}-{m.Index} still runs"));
        Assert.True(File.Exists(Path.Combine(directory.Path, "learner", "checkpoint.safetensors")));
    }

    [GeneratedRegex(@"acting in .* with policy version (\d+)")]
    private static partial Regex ActingLine();

    [GeneratedRegex(@"checkpoint at (\d+) updates")]
    private static partial Regex CheckpointLine();

    [GeneratedRegex(@"resumed at (\d+) updates")]
    private static partial Regex ResumedLine();
}
