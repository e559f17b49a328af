using Akka.Actor;
using Akka.Hosting;
using Grpc.Core;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Integration;

/// <summary>A real shard process in a real cluster: its gRPC edge and a cluster member insert into its one table, both through its shard actor.</summary>
public sealed class GrpcAndClusterInsertTests
{
    [Fact]
    public async Task Grpc_and_cluster_inserts_into_one_shard_both_land_and_each_refusal_is_counted_once()
    {
        using var dir = new TestDirectory();
        int port = FreePort.Take();
        string seeds = $"127.0.0.1:{port}";
        var shards = new ReplayShardDirectory();
        await using TestClusterNode node = await TestClusterNode.StartAsync("actor", port, seeds, (akka, _) =>
            akka.WithActors((system, _) => system.ActorOf(ReplayShardWatcher.Props(shards), "replay-shards")));
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 0, "--cluster-port", "0", "--seeds", seeds);
        IActorRef shardActor = (await Eventually.Until(() => Task.FromResult(shards.Reachable.FirstOrDefault()), TimeSpan.FromSeconds(30),
            "the shard actor found through membership")).Actor;
        using var client = new ReplayShardClient(shard.Grpc);

        await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(10, 3, 2, 0)), PolicyVersion = 9 });
        InsertAck ack = await shardActor.Ask<InsertAck>(new InsertTransitions { Sequence = 1, PolicyVersion = 4, Rows = TransitionBlob.From(TestRows.Batch(20, 3, 2, 10)) },
            TimeSpan.FromSeconds(10));
        Assert.Equal((null, 30L), (ack.Refusal, ack.ShardSize));
        InsertResponse grpc = await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(5, 3, 2, 30)), PolicyVersion = 2 });
        Assert.Equal((34UL, 35UL), (grpc.LastKey, grpc.ShardSize));

        // One refusal each way: a NaN over gRPC (refused by the edge), a batch of another shape over the cluster (by the actor).
        TransitionBatch nan = TestRows.Batch(4, 3, 2, 100);
        nan.Rewards[1] = float.NaN;
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(nan) }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        InsertAck refused = await shardActor.Ask<InsertAck>(new InsertTransitions { Sequence = 2, Rows = TransitionBlob.From(TestRows.Batch(4, 2, 2, 200)) },
            TimeSpan.FromSeconds(10));
        Assert.Equal("wrong_shape", refused.Refusal);

        InfoResponse info = await client.InfoAsync(new InfoRequest { IncludeChecksum = true });
        var expected = new ReplayTable(new ReplayTableSettings(3, 2, 1000));
        foreach ((int rows, int firstId) in new[] { (10, 0), (20, 10), (5, 30) }) expected.Insert(TestRows.Batch(rows, 3, 2, firstId), default);
        Assert.Equal((ulong)expected.ContentChecksum(), info.ContentChecksum);
        Assert.Equal((35UL, 9UL), (info.TotalInserted, info.NewestPolicyVersion));
        Assert.Equal((1UL, 1UL), (info.Rejected["non_finite_value"], info.Rejected["wrong_shape"]));
    }
}
