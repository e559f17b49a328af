using Grpc.Core;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Integration;

public sealed class ShardedClientStatusTests
{
    [Fact]
    public async Task A_sample_held_by_the_rate_limiter_gets_its_deadline_status_and_the_shard_stays_up()
    {
        using var dir = new TestDirectory();
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 0, "--min-size", "100");
        using var client = new ShardedReplayClient([shard.Grpc],
            new ShardedReplayClientOptions(3, 2, CallTimeout: TimeSpan.FromSeconds(2), BackoffMin: TimeSpan.FromMinutes(1)));
        // Without a deadline: a cold shard on a loaded machine may take longer than one to answer its first insert.
        using (var direct = new ReplayShardClient(shard.Grpc))
            await direct.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(10, 3, 2, 0)) });

        // Twice: a shard marked down would answer the second with UNAVAILABLE "backing off".
        for (int attempt = 0; attempt < 2; attempt++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => client.SampleAsync(new ReplaySample(8, 3, 2), 8));
            Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
            Assert.Contains("min_size_to_sample 100", ex.Status.Detail);
        }
    }

    [Fact]
    public async Task An_insert_held_by_the_ratio_is_not_rerouted_to_another_shard()
    {
        using var dir = new TestDirectory();
        await using ShardProcess limited = await ShardProcess.StartAsync(dir.Path, 0, "--samples-per-insert", "1", "--error-buffer", "10");
        await using ShardProcess other = await ShardProcess.StartAsync(dir.Path, 1);
        using var client = new ShardedReplayClient([limited.Grpc, other.Grpc],
            new ShardedReplayClientOptions(3, 2, CallTimeout: TimeSpan.FromSeconds(2), BackoffMin: TimeSpan.FromMinutes(1)));
        ulong toLimited = Enumerable.Range(0, 100).Select(k => (ulong)k).First(k => ShardedReplayClient.Route(k, 2) == 0);
        // Without a deadline: a cold shard on a loaded machine may take longer than one to answer its first insert.
        using (var warm = new ReplayShardClient(limited.Grpc))
            await warm.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(12, 3, 2, 0)) }); // 12 ahead of the ratio: past the buffer of 10

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.InsertAsync(TestRows.Batch(1, 3, 2, 12), toLimited));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Contains("samples_per_insert", ex.Status.Detail);
        using var direct = new ReplayShardClient(other.Grpc);
        InfoResponse info = await direct.InfoAsync();
        Assert.Equal(0UL, info.Size);
    }
}
