using Akka.Actor;
using Akka.TestKit;
using SoftQDistributed.Learner.Service;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Replay;
using SoftQDistributed.Tests.Cluster;

namespace SoftQDistributed.Tests.Service;

/// <summary>The learner's view of the replay shards, against probes standing in for shards at made-up addresses.</summary>
public sealed class ClusterSamplerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Address AddressA = new("akka.tcp", "softq", "10.0.0.1", 4053);
    private static readonly Address AddressB = new("akka.tcp", "softq", "10.0.0.2", 4053);
    // Long enough that an answering probe always makes it on a loaded two-core CI machine; the silent one never does.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);
    // Status requests: the answering probes must make it, the unreachable or silent one is waited for this long.
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private static ShardStatus Status(int shardId, long size, long totalInserted, string instance = "i") => new()
    {
        ShardId = shardId, Size = size, Capacity = 100_000, TotalInserted = totalInserted, ObsDim = 2, ActDim = 2, Instance = instance,
    };

    /// <summary>A shard that answers samples with rows and status requests with <paramref name="status"/>.</summary>
    private TestProbe Answering(ShardStatus status)
    {
        TestProbe shard = CreateTestProbe();
        shard.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is SampleTransitions sample) sender.Tell(new SampledTransitions { Rows = Samples.Blob(sample.Count), Status = status });
            else if (message is ShardStatusRequest) sender.Tell(status);
            return AutoPilot.KeepRunning;
        }));
        return shard;
    }

    private static ReplayShardDirectory Directory(params ReplayShardRef[] shards)
    {
        var directory = new ReplayShardDirectory();
        directory.Set([.. shards]);
        return directory;
    }

    [Fact]
    public async Task A_shard_that_misses_the_deadline_is_skipped_and_the_next_requests_go_to_the_others()
    {
        TestProbe silent = CreateTestProbe(); // paused: never answers
        TestProbe answering = Answering(Status(1, size: 10, totalInserted: 10));
        ReplayShardDirectory directory = Directory(new(AddressA, silent.Ref, true), new(AddressB, answering.Ref, true));
        var progress = new ClusterReplayProgress(directory, AskTimeout);
        progress.Observe(AddressA, Status(0, size: 1_000_000, totalInserted: 1_000_000)); // so large it is drawn first
        progress.Observe(AddressB, Status(1, size: 10, totalInserted: 10));
        var sampler = new ClusterSampler(directory, progress, Deadline, seed: 5);
        var sample = new ReplaySample(32, 2, 2);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(await sampler.TrySampleAsync([sample], 32, CancellationToken.None));
        Assert.InRange(clock.Elapsed, Deadline * 0.9, Deadline * 10);
        Assert.Equal(32, silent.ExpectMsg<SampleTransitions>().Count);
        Assert.Equal(1, sampler.Timeouts);

        // Within the penalty the late shard is left out, though it holds nearly every row.
        for (int i = 0; i < 10; i++)
        {
            Assert.True(await sampler.TrySampleAsync([sample], 32, CancellationToken.None));
            Assert.Equal(32, sample.Batch.Count);
            Assert.Equal(10, sample.TableSize);
        }
        silent.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, sampler.Timeouts);
        Assert.Equal(Samples.Batch(32).Observations[..64], sample.Batch.Observations[..64]);
    }

    [Fact]
    public async Task Samples_are_drawn_in_proportion_to_shard_sizes_and_an_unreachable_shard_is_not_asked()
    {
        TestProbe big = Answering(Status(0, size: 900, totalInserted: 900));
        TestProbe small = Answering(Status(1, size: 100, totalInserted: 100));
        TestProbe unreachable = CreateTestProbe();
        var addressC = new Address("akka.tcp", "softq", "10.0.0.3", 4053);
        ReplayShardDirectory directory = Directory(new(AddressA, big.Ref, true), new(AddressB, small.Ref, true), new(addressC, unreachable.Ref, false));
        var progress = new ClusterReplayProgress(directory, AskTimeout);
        await progress.RefreshAsync(); // sizes from the status requests (the unreachable one is asked too, and says nothing)
        Assert.Equal(1000, progress.Size);
        var sampler = new ClusterSampler(directory, progress, AskTimeout, seed: 1);
        var sample = new ReplaySample(8, 2, 2);
        for (int i = 0; i < 400; i++) Assert.True(await sampler.TrySampleAsync([sample], 8, CancellationToken.None));

        int fromBig = big.ReceiveWhile(m => m, TimeSpan.FromSeconds(1)).OfType<SampleTransitions>().Count();
        int fromSmall = small.ReceiveWhile(m => m, TimeSpan.FromSeconds(1)).OfType<SampleTransitions>().Count();
        Assert.Equal(400, fromBig + fromSmall);
        Assert.InRange(fromSmall, 20, 70); // 40 expected
        Assert.IsType<ShardStatusRequest>(unreachable.ReceiveOne(AskTimeout));
        unreachable.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, sampler.Timeouts);
    }

    [Fact]
    public async Task One_request_fills_several_minibatches_with_consecutive_rows_of_one_shard()
    {
        TestProbe shard = Answering(Status(0, size: 500, totalInserted: 500));
        ReplayShardDirectory directory = Directory(new ReplayShardRef(AddressA, shard.Ref, true));
        var progress = new ClusterReplayProgress(directory, AskTimeout);
        var sampler = new ClusterSampler(directory, progress, AskTimeout, seed: 3);
        ReplaySample[] samples = [new(8, 2, 2), new(8, 2, 2), new(8, 2, 2)];

        Assert.True(await sampler.TrySampleAsync(samples, 8, CancellationToken.None));
        Assert.Equal(24, shard.ExpectMsg<SampleTransitions>().Count);
        shard.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        TransitionBatch drawn = Samples.Batch(24);
        for (int i = 0; i < samples.Length; i++)
        {
            Assert.Equal(8, samples[i].Count);
            Assert.Equal(drawn.Rewards[(8 * i)..(8 * i + 8)], samples[i].Batch.Rewards);
            Assert.Equal(drawn.Observations[(16 * i)..(16 * i + 16)], samples[i].Batch.Observations);
            Assert.Equal(500, samples[i].TableSize);
        }
    }
}

public sealed class ClusterReplayProgressTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Address AddressA = new("akka.tcp", "softq", "10.0.0.1", 4053);
    private static readonly Address AddressB = new("akka.tcp", "softq", "10.0.0.2", 4053);

    private static ShardStatus Status(int shardId, long size, long totalInserted, string instance) => new()
    {
        ShardId = shardId, Size = size, Capacity = 1000, TotalInserted = totalInserted, ObsDim = 2, ActDim = 2, Instance = instance,
    };

    [Fact]
    public void A_restarted_shard_adds_only_what_it_gains_after_it_is_back_and_the_count_never_falls()
    {
        var progress = new ClusterReplayProgress(new ReplayShardDirectory(), TimeSpan.FromSeconds(1), floor: 0);
        progress.Observe(AddressA, Status(0, 100, 100, "a1"));
        progress.Observe(AddressB, Status(1, 40, 40, "b1"));
        Assert.Equal(140, progress.EnvSteps);
        progress.Observe(AddressA, Status(0, 150, 150, "a1"));
        progress.Observe(AddressA, Status(0, 120, 120, "a1")); // an older answer arriving late changes nothing
        Assert.Equal(190, progress.EnvSteps);

        // Shard 0 restarts from a snapshot taken at 120 rows: the 30 rows it lost still count as steps taken.
        progress.Observe(AddressA, Status(0, 120, 120, "a2"));
        Assert.Equal(190, progress.EnvSteps);
        progress.Observe(AddressA, Status(0, 170, 170, "a2"));
        Assert.Equal(240, progress.EnvSteps);

        // And again, now empty (its snapshot lost): 0 then growing.
        progress.Observe(AddressA, Status(0, 0, 0, "a3"));
        progress.Observe(AddressA, Status(0, 10, 10, "a3"));
        Assert.Equal(250, progress.EnvSteps);
        Assert.Equal(50, progress.Size);
        Assert.Equal(10, progress.SizeOf(AddressA));
        Assert.Equal(0, progress.SizeOf(new Address("akka.tcp", "softq", "10.9.9.9", 1)));
    }

    [Fact]
    public void A_resumed_learner_counts_on_from_its_checkpoint()
    {
        var progress = new ClusterReplayProgress(new ReplayShardDirectory(), TimeSpan.FromSeconds(1), floor: 500);
        Assert.Equal(500, progress.EnvSteps);
        progress.Observe(AddressA, Status(0, 300, 300, "a1")); // the shards' totals since their first answer, not below the floor
        Assert.Equal(500, progress.EnvSteps);
    }

    [Fact]
    public async Task A_refresh_asks_every_shard_keeps_what_a_silent_one_said_last_and_forgets_shards_that_left()
    {
        TestProbe a = CreateTestProbe();
        a.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is ShardStatusRequest) sender.Tell(Status(0, 70, 80, "a1"));
            return AutoPilot.KeepRunning;
        }));
        TestProbe silent = CreateTestProbe();
        var directory = new ReplayShardDirectory();
        directory.Set([new(AddressA, a.Ref, true), new(AddressB, silent.Ref, true)]);
        var progress = new ClusterReplayProgress(directory, TimeSpan.FromSeconds(5));
        progress.Observe(AddressB, Status(1, 5, 5, "b1"));

        await progress.RefreshAsync().WaitAsync(TimeSpan.FromSeconds(30)); // bounded by the ask timeout of the silent one
        Assert.Equal((75L, 85L, 2), (progress.Size, progress.EnvSteps, progress.ShardsAnswering));

        directory.Set([new(AddressA, a.Ref, true)]);
        await progress.RefreshAsync();
        Assert.Equal((70L, 85L, 1), (progress.Size, progress.EnvSteps, progress.ShardsAnswering)); // steps taken stay counted
    }
}
