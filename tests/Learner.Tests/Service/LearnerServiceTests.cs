using System.Runtime.InteropServices;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.ReplayService.Tests.Integration;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.LearnerApi;
using SoftQDistributed.Shared.Proto.Learner;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Tests.Service;

[CollectionDefinition(nameof(LearnerServiceCollection), DisableParallelization = true)]
public sealed class LearnerServiceCollection;

/// <summary>
/// The learner service as a real process between two real shard processes on 127.0.0.1; the test plays the actors
/// (inserting MultiGoal-shaped transitions with the sharded client). Short budgets and bounded waits.
/// </summary>
[Collection(nameof(LearnerServiceCollection))]
public sealed class LearnerServiceTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Out => Path.Combine(_directory.Path, "learner");

    private string[] Args(params ShardProcess[] shards) =>
    [
        "--env", "multigoal", "--seed", "3", "--env-steps", "600", "--batch-size", "32", "--hidden", "32,32", "--eval-episodes", "5",
        "--checkpoint-interval", "200", "--threads", "1", "--out", Out, "--replay", string.Join(",", shards.Select(s => s.Grpc.ToString())),
    ];

    private async Task<ShardProcess> StartShardAsync(int id) =>
        await ShardProcess.StartAsync(Path.Combine(_directory.Path, "replay"), id, "--obs-dim", "2", "--act-dim", "2", "--capacity", "10000");

    [Fact]
    public async Task Serve_trains_to_the_budget_publishes_newer_versions_and_writes_the_summary()
    {
        await using ShardProcess a = await StartShardAsync(0);
        await using ShardProcess b = await StartShardAsync(1);
        await using LearnerProcess learner = await LearnerProcess.StartAsync(_directory.Path, null, Args(a, b));
        using var client = new LearnerClient(learner.Grpc);
        using var replay = new ShardedReplayClient([a.Grpc, b.Grpc], new ShardedReplayClientOptions(2, 2));

        using var timeout = new CancellationTokenSource(Patience);
        var versions = new List<ulong>();
        string? instance = null;
        Task subscription = Task.Run(async () =>
        {
            await foreach (PolicyParameters parameters in client.SubscribeParametersAsync(new SubscribeRequest { NodeId = 1 }, cancellationToken: timeout.Token))
            {
                lock (versions) versions.Add(parameters.Version);
                instance = parameters.LearnerInstance;
                Assert.Equal("multigoal", parameters.Env);
                Assert.Equal(new uint[] { 32, 32 }, parameters.Hidden);
            }
        });

        await InsertAsync(replay, 600, firstKey: 0);
        LearnerStatus status = await UntilAsync(client, s => s.Done, learner);
        Assert.Equal(600UL, status.Updates);
        Assert.Equal(600UL, status.EnvSteps);
        Assert.Equal(600UL, status.EnvStepsBudget);
        Assert.Equal(instance ?? status.LearnerInstance, status.LearnerInstance);
        Assert.True(File.Exists(Path.Combine(Out, "summary.json")), learner.Output);
        Assert.Contains("\"env_steps\":600", File.ReadAllText(Path.Combine(Out, "summary.json")));
        Assert.True(File.Exists(Path.Combine(Out, "learning_curve.svg")));
        string[] rows = File.ReadAllLines(Path.Combine(Out, MetricsLog.FileName));
        Assert.Equal(EpochMetrics.Header, rows[0]);
        Assert.Equal(7, rows.Length); // an epoch every 100 trained env steps
        Assert.Equal(600, EpochMetrics.Parse(rows[^1]).EnvSteps);

        // Every newer publication reached the subscriber in order; the last is the one Status names.
        await UntilTrueAsync(() => { lock (versions) return versions.Count > 0 && versions[^1] == status.PolicyVersion; }, learner);
        lock (versions)
        {
            Assert.Equal(1UL, versions[0]);
            Assert.True(versions.Count >= 3, string.Join(",", versions));
            Assert.Equal(versions.Order(), versions);
            Assert.Equal(versions.Count, versions.Distinct().Count());
        }
        Assert.Equal(0, await learner.TerminateAsync());
        await subscription.WaitAsync(TimeSpan.FromSeconds(30)); // ended cleanly by the learner's stop
    }

    [Fact]
    public async Task A_killed_learner_resumes_from_its_checkpoint_and_sigterm_checkpoints_every_update()
    {
        await using ShardProcess a = await StartShardAsync(0);
        await using ShardProcess b = await StartShardAsync(1);
        using var replay = new ShardedReplayClient([a.Grpc, b.Grpc], new ShardedReplayClientOptions(2, 2));
        string checkpoint = Path.Combine(Out, TrainingCheckpoint.FileName);
        string firstInstance;
        await using (LearnerProcess first = await LearnerProcess.StartAsync(_directory.Path, null, Args(a, b)))
        {
            using var client = new LearnerClient(first.Grpc);
            await InsertAsync(replay, 200, firstKey: 0);
            LearnerStatus caughtUp = await UntilAsync(client, s => s.Updates == 200, first);
            firstInstance = caughtUp.LearnerInstance;
            await UntilTrueAsync(() => File.Exists(checkpoint) && Counters(checkpoint)[2] == 200, first); // the checkpoint every 200 env steps
            await first.KillAsync();
        }
        long[] saved = Counters(checkpoint);
        float[] savedPolicy = SafetensorsFile.Load(checkpoint).ReadFloat32("policy");

        await using LearnerProcess second = await LearnerProcess.StartAsync(_directory.Path, null, Args(a, b));
        using (var client = new LearnerClient(second.Grpc))
        {
            LearnerStatus resumed = await client.StatusAsync();
            Assert.Equal(200UL, resumed.Updates);
            Assert.NotEqual(firstInstance, resumed.LearnerInstance);
            using var timeout = new CancellationTokenSource(Patience);
            await foreach (PolicyParameters parameters in client.SubscribeParametersAsync(new SubscribeRequest { NodeId = 1 }, cancellationToken: timeout.Token))
            {
                Assert.Equal(resumed.LearnerInstance, parameters.LearnerInstance);
                Assert.Equal(200UL, parameters.Updates);
                Assert.Equal((ulong)saved[4] + 1, parameters.Version); // the publication counter goes on from the checkpoint's
                Assert.Equal(savedPolicy, MemoryMarshal.Cast<byte, float>(parameters.Parameters.Span).ToArray());
                break;
            }

            await InsertAsync(replay, 100, firstKey: 100);
            LearnerStatus beforeStop = await UntilAsync(client, s => s.Updates == 300, second);
            Assert.Equal(0, await second.TerminateAsync());
            long[] afterStop = Counters(checkpoint);
            Assert.Equal((long)beforeStop.Updates, afterStop[2]); // nothing lost: the stop wrote every update
            Assert.True(afterStop[4] >= saved[4]);
            Assert.Contains("stopped: checkpoint at 300 updates", second.Output);
        }
    }

    [Fact]
    public async Task With_a_token_calls_without_it_or_with_another_are_unauthenticated_and_health_stays_open()
    {
        await using ShardProcess a = await StartShardAsync(0);
        await using LearnerProcess learner = await LearnerProcess.StartAsync(_directory.Path,
            new Dictionary<string, string> { ["SOFTQ__AUTH__TOKEN"] = "s3cret" }, Args(a));
        using (var anonymous = new LearnerClient(learner.Grpc))
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => anonymous.StatusAsync())).Status);
        using (var wrong = new LearnerClient(learner.Grpc, new GrpcChannelOptions(AuthToken: "guess")))
        {
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => wrong.StatusAsync())).Status);
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => wrong.ReportActorAsync(new ActorReport { NodeId = 1 }))).Status);
            var stream = wrong.SubscribeParametersAsync(new SubscribeRequest()).GetAsyncEnumerator();
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(async () => await stream.MoveNextAsync())).Status);
            await stream.DisposeAsync();
        }
        using (var right = new LearnerClient(learner.Grpc, new GrpcChannelOptions(AuthToken: "s3cret")))
            Assert.Equal("multigoal", (await right.StatusAsync()).Env);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.True((await http.GetAsync(new Uri(learner.Http, "/healthz"))).IsSuccessStatusCode);
        Assert.True((await http.GetAsync(new Uri(learner.Http, "/readyz"))).IsSuccessStatusCode);
    }

    [Fact]
    public async Task With_a_certificate_it_serves_gRPC_over_TLS_to_clients_that_trust_it()
    {
        using var certificate = new SelfSignedCertificate(_directory.Path, "learner");
        await using ShardProcess a = await StartShardAsync(0);
        await using LearnerProcess learner = await LearnerProcess.StartAsync(_directory.Path, null,
            [.. Args(a), "--tls-cert", certificate.PfxPath, "--tls-cert-password", SelfSignedCertificate.Password]);
        Assert.Equal("https", learner.Grpc.Scheme);
        using (var trusting = new LearnerClient(learner.Grpc, new GrpcSecurity(TrustedCertificate: certificate.CrtPath).Channel()))
            Assert.Equal("multigoal", (await trusting.StatusAsync()).Env);
        using var untrusting = new LearnerClient(learner.Grpc);
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<RpcException>(() => untrusting.StatusAsync())).Status);
    }

    private static long[] Counters(string checkpoint) => SafetensorsFile.Load(checkpoint).ReadInt64("counters");

    /// <summary>MultiGoal-shaped transitions (2-D positions and actions), inserted in batches of 50 as an actor would.</summary>
    private static async Task InsertAsync(ShardedReplayClient replay, int count, int firstKey)
    {
        var random = new Random(firstKey + 1);
        var batch = new TransitionBatch(50, 2, 2) { Count = 50 };
        for (int k = 0; k < count / 50; k++)
        {
            for (int i = 0; i < 50; i++)
            {
                for (int d = 0; d < 2; d++)
                {
                    batch.Observations[2 * i + d] = (float)(random.NextDouble() * 14 - 7);
                    batch.Actions[2 * i + d] = (float)(random.NextDouble() * 2 - 1);
                    batch.NextObservations[2 * i + d] = Math.Clamp(batch.Observations[2 * i + d] + batch.Actions[2 * i + d], -7, 7);
                }
                batch.Rewards[i] = (float)(-random.NextDouble() * 50);
                batch.Terminals[i] = 0;
            }
            await replay.InsertAsync(batch, (ulong)(firstKey + k), policyVersion: 1);
        }
    }

    private static Task<LearnerStatus> UntilAsync(LearnerClient client, Func<LearnerStatus, bool> condition, LearnerProcess learner) =>
        Eventually.ReturnsAsync(() => client.StatusAsync(), condition, "the learner's status", Patience, () => learner.Output);

    private static Task UntilTrueAsync(Func<bool> condition, LearnerProcess learner) =>
        Eventually.HoldsAsync(condition, holds => holds, "the condition", Patience, () => learner.Output);
}
