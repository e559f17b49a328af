using System.Net;
using System.Net.Sockets;
using SoftQDistributed.ReplayService.Tests.Integration;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.Proto.Learner;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Actors.Tests.Integration;

/// <summary>Real actor-node and shard processes on 127.0.0.1 against an in-test learner; run one at a time (2 cores).</summary>
[Collection(nameof(ActorProcesses))]
public sealed class ActorNodeTests
{
    private static readonly string[] MultiGoalShard = ["--obs-dim", "2", "--act-dim", "2", "--capacity", "1000000"];

    [Fact]
    public async Task Waits_for_parameters_then_its_transitions_reach_both_shards_with_the_policy_version_it_acted_with()
    {
        using var dir = new TestDirectory();
        await using LearnerDouble learner = await LearnerDouble.StartAsync();
        await using ShardProcess a = await ShardProcess.StartAsync(dir.Path, 0, MultiGoalShard);
        await using ShardProcess b = await ShardProcess.StartAsync(dir.Path, 1, MultiGoalShard);
        await using ActorProcess node = await ActorProcess.StartAsync(learner.Address, [a.Grpc, b.Grpc]);

        await Task.Delay(500);
        Assert.Equal(503, await node.ReadyzStatusAsync());
        Assert.Equal(0UL, (await InfoAsync(a)).TotalInserted + (await InfoAsync(b)).TotalInserted);

        learner.Publish(3);
        await node.WaitUntilReadyAsync();
        foreach (ShardProcess shard in new[] { a, b })
        {
            InfoResponse info = await Eventually.ReturnsAsync(() => InfoAsync(shard), i => i.TotalInserted > 500, "rows on each shard", context: () => node.Output);
            Assert.Equal(3UL, info.NewestPolicyVersion);
        }
        ActorReport report = (await Eventually.HoldsAsync(() => learner.LastReport, r => r is not null && r.EnvSteps > 0,
            "a report", context: () => node.Output))!;
        Assert.Equal(3UL, report.PolicyVersion);
        Assert.Equal(0UL, report.TransitionsDropped);
        // MultiGoal episodes last at most 30 steps: returns are reported.
        await Eventually.HoldsAsync(() => learner.Reports.Sum(r => r.EpisodeReturns.Count), n => n > 0, "episode returns", context: () => node.Output);
        Assert.All(learner.Reports, r => Assert.Equal(r.EpisodeReturns.Count, r.EpisodeLengths.Count));
        Assert.Single(learner.Reports.Select(r => r.NodeInstance).Distinct());
    }

    [Fact]
    public async Task Swaps_in_newer_parameters_and_takes_a_restarted_learners_lower_version()
    {
        using var dir = new TestDirectory();
        await using LearnerDouble learner = await LearnerDouble.StartAsync();
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 0, MultiGoalShard);
        learner.Publish(1);
        await using ActorProcess node = await ActorProcess.StartAsync(learner.Address, [shard.Grpc]);
        await node.WaitUntilReadyAsync();

        learner.Publish(5);
        await Eventually.ReturnsAsync(() => InfoAsync(shard), i => i.NewestPolicyVersion == 5, "rows acted with version 5", context: () => node.Output);
        await Eventually.HoldsAsync(() => learner.LastReport?.PolicyVersion, v => v == 5, "a report at version 5", context: () => node.Output);

        // A restarted learner counts again from a low version: a new instance is always taken.
        learner.Instance = Guid.NewGuid().ToString("N");
        learner.Publish(2);
        // (the shard keeps the highest version it saw, so only the node's report can show the lower one)
        await Eventually.HoldsAsync(() => learner.LastReport?.PolicyVersion, v => v == 2, "a report at version 2", context: () => node.Output);

        // Parameters for another environment are refused; the node keeps acting with what it has.
        learner.Publish(9, env: "pendulum");
        await Task.Delay(1000);
        Assert.Equal(2UL, learner.LastReport!.PolicyVersion);
        Assert.Contains("refused policy version 9", node.Output);
    }

    [Fact]
    public async Task Keeps_acting_when_a_shard_is_killed_and_its_share_goes_to_the_other_counted_as_retried()
    {
        using var dir = new TestDirectory();
        await using LearnerDouble learner = await LearnerDouble.StartAsync();
        await using ShardProcess a = await ShardProcess.StartAsync(dir.Path, 0, MultiGoalShard);
        await using ShardProcess b = await ShardProcess.StartAsync(dir.Path, 1, MultiGoalShard);
        learner.Publish(1);
        await using ActorProcess node = await ActorProcess.StartAsync(learner.Address, [a.Grpc, b.Grpc]);
        await node.WaitUntilReadyAsync();
        await Eventually.ReturnsAsync(() => InfoAsync(a), i => i.TotalInserted > 0, "rows on shard 0", context: () => node.Output);

        await a.KillAsync();
        ulong before = (await InfoAsync(b)).TotalInserted;
        ulong stepsBefore = learner.LastReport?.EnvSteps ?? 0;
        await Eventually.ReturnsAsync(() => InfoAsync(b), i => i.TotalInserted > before + 5_000, "shard 1 taking shard 0's share", context: () => node.Output);
        ActorReport report = await Eventually.HoldsAsync(() => learner.LastReport!, r => r.TransitionsRetried > 0 && r.EnvSteps > stepsBefore + 5_000,
            "retried rows reported", context: () => node.Output);
        Assert.Equal(0UL, report.TransitionsDropped);
        Assert.True(report.TransitionsBuffered < 100_000, $"buffered {report.TransitionsBuffered}: rows should flow to the live shard");
    }

    [Fact]
    public async Task With_no_shard_up_it_buffers_to_the_bound_then_blocks_and_delivers_everything_once_a_shard_starts()
    {
        using var dir = new TestDirectory();
        await using LearnerDouble learner = await LearnerDouble.StartAsync();
        int port = FreePort.Take();
        learner.Publish(1);
        await using ActorProcess node = await ActorProcess.StartAsync(learner.Address, [new Uri($"http://127.0.0.1:{port}")], 0, null,
            "--max-buffered", "1000", "--send-batch", "50");
        await node.WaitUntilReadyAsync();

        ActorReport full = (await Eventually.HoldsAsync(() => learner.LastReport, r => r is not null && r.TransitionsBuffered == 1000,
            "a full buffer", context: () => node.Output))!;
        Assert.Equal(1000UL, full.EnvSteps);
        await Task.Delay(1000);
        ActorReport later = learner.LastReport!;
        Assert.Equal(1000UL, later.EnvSteps); // stepping is blocked, nothing dropped
        Assert.Equal(0UL, later.TransitionsDropped);
        Assert.Equal(0UL, later.TransitionsSent);

        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 0, [.. MultiGoalShard, "--port", port.ToString()]);
        await Eventually.ReturnsAsync(() => InfoAsync(shard), i => i.TotalInserted > 3000, "the buffered rows and new ones arriving",
            within: TimeSpan.FromSeconds(60), context: () => node.Output);

        Assert.Equal(0, await node.TerminateAsync());
        ActorReport last = learner.LastReport!;
        Assert.Equal(0UL, last.TransitionsDropped);
        Assert.Equal(0UL, last.TransitionsBuffered);
        Assert.Equal(last.EnvSteps, (await InfoAsync(shard)).TotalInserted);
        Assert.Equal(last.EnvSteps, last.TransitionsSent);
    }

    [Fact]
    public async Task Sigterm_flushes_every_buffered_transition_sends_a_final_report_and_exits_zero()
    {
        using var dir = new TestDirectory();
        await using LearnerDouble learner = await LearnerDouble.StartAsync();
        await using ShardProcess a = await ShardProcess.StartAsync(dir.Path, 0, MultiGoalShard);
        await using ShardProcess b = await ShardProcess.StartAsync(dir.Path, 1, MultiGoalShard);
        learner.Publish(1);
        // Large, slowly flushed batches: plenty is buffered when the signal comes.
        await using ActorProcess node = await ActorProcess.StartAsync(learner.Address, [a.Grpc, b.Grpc], 0, null,
            "--send-batch", "20000", "--flush-ms", "60000");
        await node.WaitUntilReadyAsync();
        await Eventually.HoldsAsync(() => learner.LastReport, r => r is not null && r.TransitionsBuffered > 1000, "rows buffered", context: () => node.Output);

        Assert.Equal(0, await node.TerminateAsync());
        ActorReport last = learner.LastReport!;
        Assert.Equal(0UL, last.TransitionsDropped);
        Assert.Equal(0UL, last.TransitionsBuffered);
        Assert.Equal(last.EnvSteps, last.TransitionsSent);
        Assert.Equal(last.EnvSteps, (await InfoAsync(a)).TotalInserted + (await InfoAsync(b)).TotalInserted);
    }

    [Fact]
    public async Task Calls_carry_the_token_from_SOFTQ__AUTH__TOKEN_and_a_node_without_it_is_refused()
    {
        using var dir = new TestDirectory();
        await using LearnerDouble learner = await LearnerDouble.StartAsync(token: "s3cret");
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 0, [.. MultiGoalShard, "--auth-token", "s3cret"]);
        learner.Publish(1);

        await using (ActorProcess stranger = await ActorProcess.StartAsync(learner.Address, [shard.Grpc], 1))
        {
            await Eventually.HoldsAsync(() => learner.Unauthenticated, n => n > 0, "a refused subscription", context: () => stranger.Output);
            Assert.Equal(503, await stranger.ReadyzStatusAsync());
        }

        await using ActorProcess member = await ActorProcess.StartAsync(learner.Address, [shard.Grpc], 2,
            new Dictionary<string, string> { ["SOFTQ__AUTH__TOKEN"] = "s3cret" });
        await member.WaitUntilReadyAsync();
        await Eventually.ReturnsAsync(() => InfoAsync(shard, "s3cret"), i => i.TotalInserted > 0, "rows with the token", context: () => member.Output);
        await Eventually.HoldsAsync(() => learner.LastReport, r => r is not null && r.NodeId == 2, "a report with the token", context: () => member.Output);
    }

    [Theory]
    [InlineData("--envs", "0", "envs")]
    [InlineData("--envs", "many", "Actor:Envs")]
    [InlineData("--env", "atari", "unknown environment")]
    [InlineData("--learner", "learner:50052", "learner")]
    [InlineData("--http-port", "70000", "http port")]
    [InlineData("--host", "localhost", "not an IP address")]
    [InlineData("--send-batch", "0", "send batch")]
    [InlineData("--backend", "cuda", "backend")]
    [InlineData("--auth-token", "change-me", "placeholder")]
    public async Task A_bad_setting_is_one_error_line_and_exit_code_2(string option, string value, string mentioned)
    {
        string[] arguments = ActorProcess.ArgumentsFor(new Uri("http://127.0.0.1:1"), [new Uri("http://127.0.0.1:2")], 0, option, value);
        (int exitCode, string output, string error) = await ActorProcess.RunToExitAsync(arguments);
        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(mentioned, line);
    }

    private static async Task<InfoResponse> InfoAsync(ShardProcess shard, string? token = null)
    {
        using var client = new ReplayShardClient(shard.Grpc, new GrpcChannelOptions(AuthToken: token));
        return await client.InfoAsync(null, new GrpcCallOptions(TimeSpan.FromSeconds(10)));
    }
}

[CollectionDefinition(nameof(ActorProcesses), DisableParallelization = true)]
public sealed class ActorProcesses;
