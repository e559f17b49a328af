using System.Runtime.InteropServices;
using System.Text.Json;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Tests.Service;

[CollectionDefinition(nameof(LearnerServiceCollection), DisableParallelization = true)]
public sealed class LearnerServiceCollection;

/// <summary>
/// The learner (<c>serve</c>) as a real process, with a real replay shard process, in one Akka cluster on 127.0.0.1
/// whose seed is the test process playing an actor node (<see cref="ActorStandIn"/>). Short budgets, bounded waits.
/// </summary>
[Collection(nameof(LearnerServiceCollection))]
public sealed class LearnerServiceTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Out => Path.Combine(_directory.Path, "learner");

    private string[] Args() =>
    [
        "--env", "multigoal", "--seed", "3", "--env-steps", "600", "--batch-size", "32", "--hidden", "32,32", "--eval-episodes", "5",
        "--checkpoint-interval", "200", "--threads", "1", "--min-replay-size", "100", "--out", Out,
    ];

    private Task<ShardNodeProcess> StartShardAsync(ActorStandIn actor, int id) =>
        ShardNodeProcess.StartAsync(Path.Combine(_directory.Path, "replay"), id, actor.Seeds);

    [Fact]
    public async Task Serve_becomes_the_learner_paces_the_actors_trains_to_the_budget_and_publishes_newer_versions()
    {
        await using ActorStandIn actor = await ActorStandIn.StartAsync();
        await using ShardNodeProcess shard = await StartShardAsync(actor, 0);
        await using LearnerProcess learner = await LearnerProcess.StartAsync(_directory.Path, actor.Seeds, 0, Args());
        await learner.WaitUntilReadyAsync();
        // Ready means Up (and, once it holds the singleton, the first parameters out): the only learner soon holds it.
        JsonElement status = await Eventually.ReturnsAsync(learner.StatusAsync, s => s.GetProperty("active").GetBoolean(), "holding the learner singleton",
            context: () => learner.Output);
        string instance = status.GetProperty("learner_instance").GetString()!;
        // auto measured the GEMMs on this learner's update, as train does, where there is a BLAS to measure against.
        if (Shared.Numerics.Gemm.OpenBlasGemm.TryLoad(1, out _) is not null) Assert.Contains("GEMM backend: auto chose", learner.Output);

        // Before any data: the first parameters are out, and the pace lets the actors fill the replay, nothing more.
        PolicyParameters first = await Eventually.HoldsAsync(() => actor.Policies.FirstOrDefault()!, p => p is not null, "the first parameters",
            context: () => learner.Output);
        Assert.Equal((1UL, instance, "multigoal", 0UL), (first.Version, first.LearnerInstance, first.Env, first.Updates));
        Assert.Equal([32, 32], first.Hidden);
        Pace pace = await Eventually.HoldsAsync(() => actor.LastPace!, p => p is not null && p.Budgets.ContainsKey(ActorStandIn.NodeInstance),
            "a pace with a budget for the stand-in", context: () => learner.Output);
        Assert.Equal(instance, pace.LearnerInstance);
        Assert.Equal(600, pace.AllowedEnvSteps); // min(budget, max(min-replay-size, 0 updates) + steps-ahead)
        Assert.Equal(600, pace.Budgets[ActorStandIn.NodeInstance]);
        Assert.Equal(0, pace.Updates);

        await actor.InsertAsync(600, seed: 1);
        status = await Eventually.ReturnsAsync(learner.StatusAsync, s => s.GetProperty("done").GetBoolean(), "training to the budget",
            within: Patience, context: () => learner.Output);
        Assert.Equal(600, status.GetProperty("updates").GetInt64());
        Assert.Equal(600, status.GetProperty("env_steps").GetInt64());
        Assert.Equal(600, status.GetProperty("env_steps_budget").GetInt64());
        Assert.Equal(1, status.GetProperty("replay_shards").GetInt32());
        Assert.Equal(1, status.GetProperty("actors_reporting").GetInt32());
        Assert.True(File.Exists(Path.Combine(Out, FinalReport.SummaryFileName)), learner.Output);
        Assert.Contains("\"env_steps\":600", File.ReadAllText(Path.Combine(Out, FinalReport.SummaryFileName)));
        Assert.True(File.Exists(Path.Combine(Out, "learning_curve.svg")));
        string[] rows = File.ReadAllLines(Path.Combine(Out, MetricsLog.FileName));
        Assert.Equal(EpochMetrics.Header, rows[0]);
        Assert.Equal(600, EpochMetrics.Parse(rows[^1]).EnvSteps);

        // Every publication reached the node, in order, the last one the version /status names.
        ulong published = status.GetProperty("policy_version").GetUInt64();
        await Eventually.HoldsAsync(() => actor.Policies[^1].Version, v => v == published, "the last version", context: () => learner.Output);
        IReadOnlyList<PolicyParameters> policies = actor.Policies;
        Assert.True(policies.Count >= 3, string.Join(",", policies.Select(p => p.Version)));
        Assert.Equal(policies.Select(p => p.Version).Order(), policies.Select(p => p.Version));
        Assert.All(policies, p => Assert.Equal(instance, p.LearnerInstance));
        Assert.Equal(600UL, policies[^1].Updates);

        Assert.Equal(0, await learner.TerminateAsync());
    }

    [Fact]
    public async Task A_killed_learner_restarted_in_place_resumes_from_its_checkpoint_and_sigterm_checkpoints_every_update()
    {
        await using ActorStandIn actor = await ActorStandIn.StartAsync();
        await using ShardNodeProcess shard = await StartShardAsync(actor, 0);
        string checkpoint = Path.Combine(Out, TrainingCheckpoint.FileName);
        int port = FreePort.Take(); // the same address again: the new incarnation replaces the old member at once
        string firstInstance;
        await using (LearnerProcess first = await LearnerProcess.StartAsync(_directory.Path, actor.Seeds, port, Args()))
        {
            await first.WaitUntilReadyAsync();
            await actor.InsertAsync(200, seed: 1);
            JsonElement caughtUp = await Eventually.ReturnsAsync(first.StatusAsync, s => s.GetProperty("updates").GetInt64() == 200, "200 updates",
                within: Patience, context: () => first.Output);
            firstInstance = caughtUp.GetProperty("learner_instance").GetString()!;
            await Eventually.HoldsAsync(() => File.Exists(checkpoint) && Counters(checkpoint)[2] == 200, ok => ok, "the checkpoint at 200 updates",
                context: () => first.Output);
            await first.KillAsync();
        }
        long[] saved = Counters(checkpoint);
        float[] savedPolicy = SafetensorsFile.Load(checkpoint).ReadFloat32("policy");

        await using LearnerProcess second = await LearnerProcess.StartAsync(_directory.Path, actor.Seeds, port, Args());
        await second.WaitUntilReadyAsync();
        JsonElement resumed = await second.StatusAsync();
        Assert.Equal(200, resumed.GetProperty("updates").GetInt64());
        string secondInstance = resumed.GetProperty("learner_instance").GetString()!;
        Assert.NotEqual(firstInstance, secondInstance);
        PolicyParameters republished = await Eventually.HoldsAsync(() => actor.Policies.FirstOrDefault(p => p.LearnerInstance == secondInstance)!,
            p => p is not null, "parameters from the restarted learner", context: () => second.Output);
        Assert.Equal(200UL, republished.Updates);
        Assert.Equal((ulong)saved[4] + 1, republished.Version); // the publication counter goes on from the checkpoint's
        Assert.Equal(savedPolicy, MemoryMarshal.Cast<byte, float>(republished.Parameters).ToArray());

        await actor.InsertAsync(100, seed: 2);
        JsonElement beforeStop = await Eventually.ReturnsAsync(second.StatusAsync, s => s.GetProperty("updates").GetInt64() == 300, "300 updates",
            within: Patience, context: () => second.Output);
        Assert.Equal(0, await second.TerminateAsync());
        long[] afterStop = Counters(checkpoint);
        Assert.Equal(beforeStop.GetProperty("updates").GetInt64(), afterStop[2]); // nothing lost: the stop wrote every update
        Assert.True(afterStop[4] >= saved[4]);
        Assert.Contains("stopped: checkpoint at 300 updates", second.Output);
    }

    private static long[] Counters(string checkpoint) => SafetensorsFile.Load(checkpoint).ReadInt64("counters");
}
