using Grpc.Core;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Integration;

public sealed class ShardedClientStatusTests
{
    [Fact]
    public async Task A_sample_below_the_minimum_size_gets_its_deadline_status_and_the_shard_stays_up()
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
}
