using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;
using SoftQDistributed.ReplayService.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Replay;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.ReplayService.Tests.Unit;

/// <summary>The shard actor in an ActorSystem of the test's own: the gRPC edge's batches and the cluster's are stored by it alike.</summary>
public sealed class ReplayShardActorTests : IAsyncLifetime
{
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(10);
    private readonly TestDirectory _dir = new();
    private readonly ActorSystem _system = ActorSystem.Create("shard-actor-test");
    private ReplayShard _shard = null!;
    private IActorRef _actor = null!;

    public Task InitializeAsync()
    {
        var settings = new ShardSettings { ObsDim = 3, ActDim = 2, Capacity = 100, DataDir = _dir.Path };
        _shard = new ReplayShard(settings, new RoleMetrics("replay"), NullLogger<ReplayShard>.Instance);
        _shard.Restore(); // nothing to restore: ready
        _actor = _system.ActorOf(ReplayShardActor.Props(_shard));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        _dir.Dispose();
    }

    [Fact]
    public async Task Edge_and_cluster_batches_land_in_one_table_in_arrival_order_with_their_policy_versions()
    {
        EdgeInsertAnswer edge = await _actor.Ask<EdgeInsertAnswer>(new EdgeInsert(TestRows.Batch(10, 3, 2, 0), [], PolicyVersion: 9), AnswerLimit);
        InsertAck ack = await _actor.Ask<InsertAck>(Cluster(TestRows.Batch(20, 3, 2, 10), policyVersion: 4), AnswerLimit);
        EdgeInsertAnswer second = await _actor.Ask<EdgeInsertAnswer>(new EdgeInsert(TestRows.Batch(5, 3, 2, 30), [], PolicyVersion: 2), AnswerLimit);

        Assert.Equal((0L, null), (edge.FirstKey, edge.Refusal));
        Assert.Equal((null, 30L), (ack.Refusal, ack.ShardSize));
        Assert.Equal((30L, null), (second.FirstKey, second.Refusal));
        Assert.Equal(9UL, _shard.NewestPolicyVersion);
        var expected = new ReplayTable(_shard.Settings.TableSettings());
        foreach ((int rows, int firstId) in new[] { (10, 0), (20, 10), (5, 30) }) expected.Insert(TestRows.Batch(rows, 3, 2, firstId), default);
        Assert.Equal(expected.ContentChecksum(), _shard.Table.ContentChecksum());
        Assert.Empty(_shard.Rejected);
    }

    [Fact]
    public async Task A_closing_table_refuses_both_as_shutting_down_and_the_actor_counts_the_cluster_s_refusal_only()
    {
        _shard.Table.Close();
        EdgeInsertAnswer edge = await _actor.Ask<EdgeInsertAnswer>(new EdgeInsert(TestRows.Batch(10, 3, 2, 0), [], PolicyVersion: 9), AnswerLimit);
        InsertAck ack = await _actor.Ask<InsertAck>(Cluster(TestRows.Batch(20, 3, 2, 10), policyVersion: 4), AnswerLimit);

        Assert.Equal("shutting_down", edge.Refusal);
        Assert.Equal("shutting_down", ack.Refusal);
        // The edge's refusal becomes its call's UNAVAILABLE status, which the edge's call accounting counts: once.
        Assert.Equal(1, _shard.Rejected["shutting_down"]);
        Assert.Equal((0, 0UL), (_shard.Table.Count, _shard.NewestPolicyVersion));
    }

    [Fact]
    public async Task A_cluster_batch_of_another_shape_is_refused_and_counted_and_never_reaches_the_table()
    {
        InsertAck ack = await _actor.Ask<InsertAck>(Cluster(TestRows.Batch(5, 2, 2, 0), policyVersion: 1), AnswerLimit);
        Assert.Equal("wrong_shape", ack.Refusal);
        Assert.Equal(1, _shard.Rejected["wrong_shape"]);
        Assert.Equal(0, _shard.Table.Count);
    }

    private static InsertTransitions Cluster(TransitionBatch rows, ulong policyVersion) =>
        new() { Sequence = 1, PolicyVersion = policyVersion, Rows = TransitionBlob.From(rows) };
}
