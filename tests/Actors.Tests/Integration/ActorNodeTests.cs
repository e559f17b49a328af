using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Actors.Tests.Integration;

/// <summary>
/// Real actor-node and replay-shard processes on 127.0.0.1, one Akka cluster with the test process as its learner
/// (<see cref="LearnerStandIn"/>, the seed). Run one at a time (2 cores); every wait is bounded.
/// </summary>
[Collection(nameof(ActorProcesses))]
public sealed class ActorNodeTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private Task<ShardNodeProcess> StartShardAsync(LearnerStandIn learner, int shardId) =>
        ShardNodeProcess.StartAsync(Path.Combine(_directory.Path, "replay"), shardId, learner.Seeds);

    private static async Task WaitForShardsAsync(LearnerStandIn learner, int count, ActorNodeProcess? node = null) =>
        await Eventually.HoldsAsync(() => learner.Shards.Shards.Length, n => n == count, $"{count} shard(s) found", context: () => node?.Output ?? "");

    [Fact]
    public async Task Waits_for_parameters_and_a_budget_then_steps_exactly_to_it_and_its_transitions_reach_the_shard()
    {
        await using LearnerStandIn learner = await LearnerStandIn.StartAsync();
        await using ShardNodeProcess shard = await StartShardAsync(learner, 0);
        await using ActorNodeProcess node = await ActorNodeProcess.StartAsync(learner.Seeds);
        await WaitForShardsAsync(learner, 1, node);

        await Task.Delay(500);
        Assert.Equal(503, await node.ReadyzStatusAsync());
        Assert.Empty(learner.Reports);

        learner.Publish(3);
        await node.WaitUntilActingAsync();
        // Acting, but no budget yet: it reports and does not step.
        ActorReport idle = await Eventually.HoldsAsync(() => learner.LastReport!, r => r is not null, "a report", context: () => node.Output);
        await Task.Delay(500);
        Assert.Equal(0, learner.LastReport!.EnvSteps);
        Assert.Equal(3UL, idle.PolicyVersion);

        learner.Budget = _ => 400;
        await Eventually.ReturnsAsync(learner.TotalInsertedAsync, n => n == 400, "400 rows on the shard", context: () => node.Output);
        ActorReport report = await Eventually.HoldsAsync(() => learner.LastReport!, r => r.TransitionsSent == 400, "400 reported sent", context: () => node.Output);
        Assert.Equal((400L, 0L, 0L), (report.EnvSteps, report.TransitionsDropped, report.TransitionsBuffered));
        await Task.Delay(500);
        Assert.Equal(400, await learner.TotalInsertedAsync()); // the budget holds: not a step beyond
        Assert.True(learner.LastReport!.PaceWaitSeconds > 0);

        learner.Budget = _ => 1200;
        await Eventually.ReturnsAsync(learner.TotalInsertedAsync, n => n == 1200, "1200 rows on the shard", context: () => node.Output);
        // MultiGoal episodes last at most 30 steps: returns are reported, all by one node instance.
        await Eventually.HoldsAsync(() => learner.Reports.Sum(r => r.EpisodeReturns.Length), n => n > 0, "episode returns", context: () => node.Output);
        Assert.Single(learner.Reports.Select(r => r.NodeInstance).Distinct());
        Assert.All(learner.Reports, r => Assert.Equal(0, r.NodeId));
    }

    [Fact]
    public async Task Swaps_in_newer_parameters_takes_a_restarted_learners_lower_version_and_refuses_another_environment()
    {
        await using LearnerStandIn learner = await LearnerStandIn.StartAsync();
        await using ShardNodeProcess shard = await StartShardAsync(learner, 0);
        learner.Budget = r => r.EnvSteps + 200;
        learner.Publish(1);
        await using ActorNodeProcess node = await ActorNodeProcess.StartAsync(learner.Seeds);
        await node.WaitUntilActingAsync();
        await Eventually.ReturnsAsync(learner.TotalInsertedAsync, n => n > 0, "rows on the shard", context: () => node.Output);

        learner.Publish(5);
        await Eventually.HoldsAsync(() => learner.LastReport?.PolicyVersion, v => v == 5, "a report at version 5", context: () => node.Output);

        // A restarted learner counts again from a low version: a new instance is always taken.
        learner.Instance = Guid.NewGuid().ToString("N");
        learner.Publish(2);
        await Eventually.HoldsAsync(() => learner.LastReport?.PolicyVersion, v => v == 2, "a report at version 2", context: () => node.Output);

        // Parameters for another environment are refused; the node keeps acting with what it has.
        learner.Publish(9, env: "pendulum", shape: new(3, 1, [8, 8], 1, TanhOutput: true));
        await Eventually.HoldsAsync(() => node.Output, o => o.Contains("refused policy version 9"), "the refusal logged");
        long steps = learner.LastReport!.EnvSteps;
        await Eventually.HoldsAsync(() => learner.LastReport!, r => r.EnvSteps > steps, "stepping on", context: () => node.Output);
        Assert.Equal(2UL, learner.LastReport!.PolicyVersion);
    }

    [Fact]
    public async Task Keeps_acting_when_a_shard_is_killed_and_its_share_goes_to_the_other_counted_as_retried()
    {
        await using LearnerStandIn learner = await LearnerStandIn.StartAsync();
        await using ShardNodeProcess a = await StartShardAsync(learner, 0);
        await using ShardNodeProcess b = await StartShardAsync(learner, 1);
        await WaitForShardsAsync(learner, 2);
        learner.Budget = r => r.EnvSteps + 2000;
        learner.Publish(1);
        await using ActorNodeProcess node = await ActorNodeProcess.StartAsync(learner.Seeds, 0, "--slow-shard-ms", "300", "--resend-seconds", "2");
        await node.WaitUntilActingAsync();
        ReplayShardRef[] shards = [.. learner.Shards.Shards];
        await Eventually.ReturnsAsync(async () => (await Task.WhenAll(shards.Select(s => learner.StatusAsync(s.Address)))).Min(s => s.TotalInserted),
            n => n > 0, "rows on both shards", context: () => node.Output);

        // Kill the shard with id 1; the other keeps taking rows, the killed one's unacknowledged rows included.
        Akka.Actor.Address survivor = (await Task.WhenAll(shards.Select(async s => (s.Address, (await learner.StatusAsync(s.Address)).ShardId))))
            .Single(s => s.ShardId == 0).Address;
        await b.KillAsync();
        long atKill = (await learner.StatusAsync(survivor)).TotalInserted;
        await Eventually.ReturnsAsync(async () => (await learner.StatusAsync(survivor)).TotalInserted, n => n > atKill + 5_000,
            "shard 0 taking shard 1's share", within: TimeSpan.FromSeconds(30), context: () => node.Output);
        ActorReport report = await Eventually.HoldsAsync(() => learner.LastReport!, r => r.TransitionsRetried > 0, "retried rows reported",
            context: () => node.Output);
        Assert.Equal(0, report.TransitionsDropped);
        Assert.True(report.TransitionsBuffered < 10_000, $"buffered {report.TransitionsBuffered}: rows should flow to the live shard");
    }

    [Fact]
    public async Task With_no_shard_up_it_buffers_to_the_bound_then_blocks_and_delivers_everything_once_a_shard_joins()
    {
        await using LearnerStandIn learner = await LearnerStandIn.StartAsync();
        learner.Budget = r => r.EnvSteps + 5_000;
        learner.Publish(1);
        await using ActorNodeProcess node = await ActorNodeProcess.StartAsync(learner.Seeds, 0, "--max-buffered", "1000", "--send-batch", "50");
        await node.WaitUntilActingAsync();

        ActorReport full = await Eventually.HoldsAsync(() => learner.LastReport!, r => r is not null && r.TransitionsBuffered == 1000,
            "a full buffer", context: () => node.Output);
        Assert.Equal(1000, full.EnvSteps);
        await Task.Delay(1000);
        ActorReport later = learner.LastReport!;
        Assert.Equal((1000L, 0L, 0L), (later.EnvSteps, later.TransitionsDropped, later.TransitionsSent)); // blocked, nothing dropped

        await using ShardNodeProcess shard = await StartShardAsync(learner, 0);
        await Eventually.ReturnsAsync(learner.TotalInsertedAsync, n => n > 3000, "the buffered rows and new ones arriving",
            within: TimeSpan.FromSeconds(60), context: () => node.Output);

        Assert.Equal(0, await node.TerminateAsync());
        ActorReport last = await Eventually.HoldsAsync(() => learner.LastReport!, r => r.TransitionsBuffered == 0, "the final report", context: () => node.Output);
        Assert.Equal(0, last.TransitionsDropped);
        Assert.Equal(last.EnvSteps, last.TransitionsSent);
        Assert.Equal(last.EnvSteps, await learner.TotalInsertedAsync());
        Assert.True(last.BufferWaitSeconds > 0.5, $"blocked {last.BufferWaitSeconds} s"); // counted once the block ended
    }

    [Fact]
    public async Task Sigterm_flushes_every_buffered_transition_sends_a_final_report_and_exits_zero()
    {
        await using LearnerStandIn learner = await LearnerStandIn.StartAsync();
        await using ShardNodeProcess a = await StartShardAsync(learner, 0);
        await using ShardNodeProcess b = await StartShardAsync(learner, 1);
        await WaitForShardsAsync(learner, 2);
        learner.Budget = r => r.EnvSteps + 3_000;
        learner.Publish(1);
        // Large, slowly flushed batches: plenty is buffered when the signal comes.
        await using ActorNodeProcess node = await ActorNodeProcess.StartAsync(learner.Seeds, 0, "--send-batch", "20000", "--flush-ms", "60000");
        await node.WaitUntilActingAsync();
        await Eventually.HoldsAsync(() => learner.LastReport, r => r is not null && r.TransitionsBuffered > 1000, "rows buffered", context: () => node.Output);

        Assert.Equal(0, await node.TerminateAsync());
        ActorReport last = await Eventually.HoldsAsync(() => learner.LastReport!, r => r.TransitionsBuffered == 0, "the final report", context: () => node.Output);
        Assert.Equal(0, last.TransitionsDropped);
        Assert.Equal(last.EnvSteps, last.TransitionsSent);
        Assert.Equal(last.EnvSteps, await learner.TotalInsertedAsync());
    }

    [Theory]
    [InlineData("--envs", "0", "envs")]
    [InlineData("--envs", "many", "Actor:Envs")]
    [InlineData("--env", "atari", "unknown environment")]
    [InlineData("--http-port", "70000", "http port")]
    [InlineData("--host", "localhost", "not an IP address")]
    [InlineData("--send-batch", "0", "send batch")]
    [InlineData("--window-per-shard", "0", "window per shard")]
    [InlineData("--backend", "cuda", "backend")]
    [InlineData("--seeds", "softq@nowhere", "seed")]
    [InlineData("--cluster-host", "localhost", "cluster host")]
    [InlineData("--frame-bytes", "1000", "frame bytes")]
    public async Task A_bad_setting_is_one_error_line_and_exit_code_2(string option, string value, string mentioned)
    {
        string[] arguments = ActorNodeProcess.ArgumentsFor("127.0.0.1:1", 0, option, value);
        (int exitCode, string output, string error) = await ActorNodeProcess.RunToExitAsync(arguments);
        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(mentioned, line);
    }
}

[CollectionDefinition(nameof(ActorProcesses), DisableParallelization = true)]
public sealed class ActorProcesses;
