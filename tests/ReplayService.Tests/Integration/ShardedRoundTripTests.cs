using Grpc.Core;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Integration;

public sealed class ShardedRoundTripTests
{
    [Fact]
    public async Task Insert_sample_and_info_round_trip_through_the_sharded_client_over_two_shard_processes()
    {
        using var dir = new TestDirectory();
        await using ShardProcess a = await ShardProcess.StartAsync(dir.Path, 0);
        await using ShardProcess b = await ShardProcess.StartAsync(dir.Path, 1);
        using var client = new ShardedReplayClient([a.Grpc, b.Grpc], new ShardedReplayClientOptions(3, 2, Seed: 3));

        for (int k = 0; k < 20; k++) await client.InsertAsync(TestRows.Batch(16, 3, 2, firstId: k * 16), routingKey: (ulong)k);

        InfoResponse?[] infos = await client.InfoAsync();
        Assert.All(infos, i => Assert.NotNull(i));
        Assert.Equal(320L, infos.Sum(i => (long)i!.Size));
        Assert.All(infos, i => Assert.InRange((int)i!.Size, 16, 304)); // both shards got some
        Assert.Equal([0u, 1u], infos.Select(i => i!.ShardId));

        var sample = new ReplaySample(256, 3, 2);
        var shardOf = new int[256];
        await client.SampleAsync(sample, 256, shardOf);
        Assert.Equal(256, sample.Count);
        for (int i = 0; i < 256; i++) Assert.InRange(TestRows.IdOf(sample.Batch, i), 0, 319);
        Assert.Contains(0, shardOf);
        Assert.Contains(1, shardOf);
    }

    [Fact]
    public async Task A_shard_first_seen_empty_is_sampled_once_it_has_rows()
    {
        using var dir = new TestDirectory();
        await using ShardProcess a = await ShardProcess.StartAsync(dir.Path, 0);
        await using ShardProcess b = await ShardProcess.StartAsync(dir.Path, 1);
        using var client = new ShardedReplayClient([a.Grpc, b.Grpc], new ShardedReplayClientOptions(3, 2, SizeRefreshInterval: TimeSpan.Zero, Seed: 5));
        using var toA = new ReplayShardClient(a.Grpc);
        using var toB = new ReplayShardClient(b.Grpc);
        await toA.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(100, 3, 2, 0)) });
        var sample = new ReplaySample(256, 3, 2);
        var shardOf = new int[256];
        await client.SampleAsync(sample, 256, shardOf);
        Assert.DoesNotContain(1, shardOf); // b is empty

        // Filled by another writer: only a fresh size tells this client.
        await toB.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(100, 3, 2, 100)) });
        await client.SampleAsync(sample, 256, shardOf);
        Assert.InRange(shardOf.Count(s => s == 1), 64, 192); // about half
    }

    [Fact]
    public async Task A_dead_shard_is_skipped_and_the_rest_keep_serving()
    {
        using var dir = new TestDirectory();
        await using ShardProcess a = await ShardProcess.StartAsync(dir.Path, 0);
        ShardProcess b = await ShardProcess.StartAsync(dir.Path, 1);
        using var client = new ShardedReplayClient([a.Grpc, b.Grpc],
            new ShardedReplayClientOptions(3, 2, CallTimeout: TimeSpan.FromSeconds(5), BackoffMin: TimeSpan.FromMinutes(1)));
        for (int k = 0; k < 8; k++) await client.InsertAsync(TestRows.Batch(4, 3, 2, k * 4), (ulong)k);
        await b.KillAsync();
        await b.DisposeAsync();

        for (int k = 8; k < 16; k++) await client.InsertAsync(TestRows.Batch(4, 3, 2, k * 4), (ulong)k);
        var sample = new ReplaySample(64, 3, 2);
        await client.SampleAsync(sample, 64);
        Assert.Equal(64, sample.Count);
        InfoResponse?[] infos = await client.InfoAsync();
        Assert.NotNull(infos[0]);
        Assert.Null(infos[1]);
    }

    [Fact]
    public async Task Prioritized_shard_returns_keys_and_weights_and_takes_priority_updates()
    {
        using var dir = new TestDirectory();
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 0, "--priority-exponent", "1");
        using var client = new ReplayShardClient(shard.Grpc);
        var insert = new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(4, 3, 2, 0)) };
        insert.Priorities.Add([1, 1, 1, 1]);
        await client.InsertAsync(insert);
        var update = new UpdatePrioritiesRequest();
        update.Keys.Add([0, 1, 2, 77]);
        update.Priorities.Add([0, 0, 0, 1]);
        UpdatePrioritiesResponse updated = await client.UpdatePrioritiesAsync(update);
        Assert.Equal(3UL, updated.Updated);
        Assert.Equal(1UL, updated.Missing);
        await foreach (SampleResponse response in client.SampleAsync(new SampleRequest { BatchSize = 32, NumBatches = 2, ImportanceExponent = 0.5 }))
        {
            Assert.All(response.Keys, k => Assert.Equal(3UL, k));
            Assert.All(response.Weights, w => Assert.Equal(1f, w));
        }
    }
}
