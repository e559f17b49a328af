using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using SoftQDistributed.Actors.Cluster;
using SoftQDistributed.Actors.Telemetry;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Telemetry;
using SoftQDistributed.Tests.Cluster;

namespace SoftQDistributed.Actors.Tests.Unit;

/// <summary>
/// The rollout's sender and the insert forwarder against two stand-in shards, each a probe in an ActorSystem of its
/// own reached over Akka.Remote on 127.0.0.1 (through the MessagePack serializer), so every shard has its own address
/// as on a cluster. Batches of 10 rows (one <see cref="TransitionSender.Add"/> each).
/// </summary>
public sealed class InsertForwarderTests : Akka.TestKit.Xunit2.TestKit
{
    private const int Rows = 10;

    private static readonly Config Remote = ConfigurationFactory.ParseString($$"""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.actor.serializers.softq-msgpack = "{{typeof(ClusterMessageSerializer).AssemblyQualifiedName}}"
        akka.actor.serialization-bindings { "{{typeof(IClusterMessage).AssemblyQualifiedName}}" = softq-msgpack }
        akka.loglevel = WARNING
        akka.test.single-expect-default = 15s # a loaded two-core CI machine can take seconds to start the extensions
        """);

    private readonly ActorSystem _shardSystemA = ActorSystem.Create("shard-a", Remote);
    private readonly ActorSystem _shardSystemB = ActorSystem.Create("shard-b", Remote);
    private readonly Dictionary<TestProbe, IActorRef> _forwarderSeenBy = [];
    private readonly RoleMetrics _metrics = new("actor");

    public InsertForwarderTests() : base(Remote, "actor-node")
    {
    }

    protected override void AfterAll()
    {
        Shutdown(_shardSystemA);
        Shutdown(_shardSystemB);
        base.AfterAll();
    }

    private static ActorNodeSettings Settings(int window = 8, int slowMs = 1000, int maxBuffered = 100_000) => new()
    {
        Env = "multigoal", SendBatch = Rows, FlushMilliseconds = 60_000, WindowPerShard = window, SlowShardMilliseconds = slowMs,
        ResendSeconds = 60, MaxBuffered = maxBuffered,
    };

    /// <summary>A stand-in shard: a probe in its own ActorSystem, and how the actor node's system refers to it.</summary>
    private async Task<(TestProbe Probe, ReplayShardRef Ref)> ShardAsync(ActorSystem system)
    {
        TestProbe probe = CreateTestProbe(system);
        Address address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        IActorRef remote = await Sys.ActorSelection(probe.Ref.Path.ToStringWithAddress(address)).ResolveOne(TimeSpan.FromSeconds(10));
        Assert.Equal(address, remote.Path.Address);
        return (probe, new ReplayShardRef(address, remote, Reachable: true));
    }

    private async Task<TransitionSender> StartAsync(ActorNodeSettings settings, params ReplayShardRef[] shards)
    {
        var directory = new ReplayShardDirectory();
        directory.Set([.. shards]);
        var metrics = new ActorNodeMetrics(_metrics);
        var sender = new TransitionSender(settings, metrics, NullLogger<TransitionSender>.Instance);
        IActorRef forwarder = Sys.ActorOf(InsertForwarder.Props(directory, sender, metrics, settings));
        sender.Attach(forwarder);
        await forwarder.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(10)); // started: subscribed to shard changes
        return sender;
    }

    private static void AddBatches(TransitionSender sender, int batches, ulong version = 1)
    {
        for (int i = 0; i < batches; i++) sender.Add(Samples.Batch(Rows), version, CancellationToken.None);
    }

    /// <summary>Answers as a shard does: from the shard's own system, to the forwarder that sent the batch.</summary>
    private void Ack(TestProbe shard, InsertTransitions batch, string? refusal = null) =>
        _forwarderSeenBy[shard].Tell(new InsertAck { Sequence = batch.Sequence, Refusal = refusal, ShardSize = 1 }, shard.Ref);

    /// <summary>The next batch the shard receives, and (for <see cref="Ack"/>) the forwarder as the shard's system refers to it.</summary>
    private InsertTransitions Next(TestProbe shard)
    {
        InsertTransitions batch = shard.ExpectMsg<InsertTransitions>();
        _forwarderSeenBy[shard] = shard.LastSender;
        return batch;
    }

    private static void AckEverything(TestProbe shard) =>
        shard.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is InsertTransitions batch) sender.Tell(new InsertAck { Sequence = batch.Sequence, ShardSize = 1 }, shard.Ref);
            return AutoPilot.KeepRunning;
        }));

    [Fact]
    public async Task A_shard_never_has_more_than_its_window_unacknowledged()
    {
        (TestProbe shard, ReplayShardRef shardRef) = await ShardAsync(_shardSystemA);
        TransitionSender sender = await StartAsync(Settings(window: 2), shardRef);

        AddBatches(sender, 5, version: 7);
        InsertTransitions first = Next(shard);
        InsertTransitions second = Next(shard);
        shard.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal((1L, 2L), (first.Sequence, second.Sequence));
        Assert.Equal(7UL, first.PolicyVersion);
        Assert.Equal(Rows, first.Rows.Count);
        Assert.Equal(5 * Rows, sender.Buffered);
        string text = await _metrics.ScrapeAsync(); // the credit is spent: saturated
        Assert.Contains("softq_cluster_flow_in_flight_batches{role=\"actor\"} 2\n", text);
        Assert.Contains("softq_cluster_flow_window_batches{role=\"actor\"} 2\n", text);

        Ack(shard, first);
        Assert.Equal(3L, Next(shard).Sequence); // one credit back, one batch out
        shard.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Ack(shard, second);
        Assert.Equal(4L, Next(shard).Sequence);
        AwaitCondition(() => sender.Sent == 2 * Rows && sender.Buffered == 3 * Rows);
        Assert.Equal(0, sender.Dropped);
    }

    [Fact]
    public async Task Batches_spread_over_the_shards_by_what_each_has_in_flight()
    {
        (TestProbe a, ReplayShardRef refA) = await ShardAsync(_shardSystemA);
        (TestProbe b, ReplayShardRef refB) = await ShardAsync(_shardSystemB);
        TransitionSender sender = await StartAsync(Settings(window: 3), refA, refB);

        AddBatches(sender, 6);
        InsertTransitions[] toA = [.. Enumerable.Range(0, 3).Select(_ => Next(a))];
        InsertTransitions[] toB = [.. Enumerable.Range(0, 3).Select(_ => Next(b))];
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), toA.Concat(toB).Select(m => m.Sequence).Order());

        // A acknowledges everything: it has the fewest in flight, so the next batches go to it.
        foreach (InsertTransitions batch in toA) Ack(a, batch);
        AwaitCondition(() => sender.Sent == 3 * Rows);
        AddBatches(sender, 2);
        Next(a);
        Next(a);
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_shard_that_leaves_an_ack_outstanding_past_the_slow_limit_gets_nothing_new_until_it_answers()
    {
        (TestProbe a, ReplayShardRef refA) = await ShardAsync(_shardSystemA);
        (TestProbe b, ReplayShardRef refB) = await ShardAsync(_shardSystemB);
        AckEverything(b);
        TransitionSender sender = await StartAsync(Settings(window: 8, slowMs: 300), refA);
        AddBatches(sender, 1);
        InsertTransitions stuck = Next(a);

        Sys.EventStream.Publish(new ReplayShardsChanged([refA, refB]));
        await Task.Delay(600); // past the slow limit and a check
        AddBatches(sender, 20);
        AwaitCondition(() => sender.Sent == 20 * Rows, TimeSpan.FromSeconds(10));
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // A had credit for 7 more, yet all went to B
        Assert.Equal(Rows, sender.Buffered);

        // A answers again: it is back in the rotation.
        Ack(a, stuck);
        AwaitCondition(() => sender.Sent == 21 * Rows);
        AddBatches(sender, 10);
        Next(a);
        Assert.Equal(0, sender.Retried);
    }

    [Fact]
    public async Task A_shard_that_leaves_has_its_unacknowledged_batches_sent_to_the_others_counted_retried()
    {
        (TestProbe a, ReplayShardRef refA) = await ShardAsync(_shardSystemA);
        (TestProbe b, ReplayShardRef refB) = await ShardAsync(_shardSystemB);
        TransitionSender sender = await StartAsync(Settings(window: 2), refA, refB);
        AddBatches(sender, 4);
        InsertTransitions[] onA = [Next(a), Next(a)];
        InsertTransitions[] onB = [Next(b), Next(b)];

        // Unreachable: no new batches, but what it has stays (it may come back).
        Sys.EventStream.Publish(new ReplayShardsChanged([refA with { Reachable = false }, refB]));
        Ack(b, onB[0]);
        Ack(b, onB[1]);
        AwaitCondition(() => sender.Sent == 2 * Rows);
        AddBatches(sender, 1);
        Assert.Equal(5L, Next(b).Sequence);
        Assert.Equal(0, sender.Retried);

        // Gone from the cluster: its batches go back to the front of the queue, oldest first.
        Sys.EventStream.Publish(new ReplayShardsChanged([refB]));
        AwaitCondition(() => sender.Retried == 2 * Rows);
        InsertTransitions resent = Next(b); // B had one credit left
        Assert.Equal(onA[0].Sequence, resent.Sequence);
        Assert.Equal(onA[0].Rows.Data, resent.Rows.Data);
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Ack(b, resent);
        Assert.Equal(onA[1].Sequence, Next(b).Sequence);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, sender.Dropped);
        Assert.Equal(5 * Rows, sender.Buffered + sender.Sent);
    }

    [Fact]
    public async Task A_refused_batch_is_counted_dropped_and_not_sent_again()
    {
        (TestProbe shard, ReplayShardRef shardRef) = await ShardAsync(_shardSystemA);
        TransitionSender sender = await StartAsync(Settings(), shardRef);
        AddBatches(sender, 1);
        Ack(shard, Next(shard), refusal: "wrong_shape");
        AwaitCondition(() => sender.Dropped == Rows);
        Assert.Equal((0L, 0), (sender.Sent, sender.Buffered));
        shard.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task With_no_shard_the_rollout_blocks_at_the_bound_and_everything_goes_out_once_one_joins()
    {
        (TestProbe shard, ReplayShardRef shardRef) = await ShardAsync(_shardSystemA);
        AckEverything(shard);
        TransitionSender sender = await StartAsync(Settings(maxBuffered: 3 * Rows));
        Task rollout = Task.Run(() => AddBatches(sender, 5));
        AwaitCondition(() => sender.Buffered == 3 * Rows);
        await Task.Delay(300);
        Assert.False(rollout.IsCompleted, "the rollout should wait at the bound");
        Assert.Equal(3 * Rows, sender.Buffered);

        Sys.EventStream.Publish(new ReplayShardsChanged([shardRef]));
        await rollout.WaitAsync(TimeSpan.FromSeconds(10));
        AwaitCondition(() => sender.Sent == 5 * Rows && sender.Buffered == 0, TimeSpan.FromSeconds(10));
        Assert.True(sender.BlockedTime >= TimeSpan.FromMilliseconds(200), $"{sender.BlockedTime}");
        Assert.Equal((0L, 0L), (sender.Dropped, sender.Retried));
    }

    [Fact]
    public async Task A_flush_that_runs_out_of_time_counts_what_is_left_dropped()
    {
        TransitionSender sender = await StartAsync(Settings());
        AddBatches(sender, 2);
        sender.Add(Samples.Batch(5), 1, CancellationToken.None); // a partly filled batch: sealed by the flush
        Assert.Equal(25, await sender.FlushAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal((25L, 0), (sender.Dropped, sender.Buffered));
    }

    [Fact]
    public async Task A_new_policy_version_seals_the_batch_that_is_filling()
    {
        (TestProbe shard, ReplayShardRef shardRef) = await ShardAsync(_shardSystemA);
        TransitionSender sender = await StartAsync(Settings(), shardRef);
        sender.Add(Samples.Batch(4), 1, CancellationToken.None);
        sender.Add(Samples.Batch(4), 2, CancellationToken.None);
        InsertTransitions sent = Next(shard);
        Assert.Equal((1UL, 4), (sent.PolicyVersion, sent.Rows.Count));
        sender.SealPartial();
        sent = Next(shard);
        Assert.Equal((2UL, 4), (sent.PolicyVersion, sent.Rows.Count));
    }
}
