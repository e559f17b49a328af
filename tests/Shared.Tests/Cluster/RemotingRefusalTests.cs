using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Tests.Cluster;

/// <summary>
/// Two cluster members in the test process, hosted as the roles are, talking over Akka.Remote on 127.0.0.1: what the
/// receiving serializer refuses is dropped, counted, and the association carries on.
/// </summary>
[Collection(nameof(SerializerRefusalCounters))]
public sealed class RemotingRefusalTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Malformed_and_oversize_messages_are_dropped_and_counted_and_later_valid_ones_still_arrive()
    {
        var received = new ConcurrentQueue<object>();
        int port = FreePort.Take();
        string seeds = $"127.0.0.1:{port}";
        await using TestClusterNode receiver = await TestClusterNode.StartAsync("replay", port, seeds, (akka, _) =>
            akka.WithActors((system, _) => system.ActorOf(Props.Create(() => new Sink(received)), "sink")));
        await using TestClusterNode sender = await TestClusterNode.StartAsync("actor", 0, seeds);
        ActorSelection sink = sender.System.ActorSelection(new RootActorPath(receiver.Address) / "user" / "sink");

        sink.Tell(new Pace { LearnerInstance = "first" });
        await Eventually.HoldsAsync(() => received.Count, n => n == 1, "the first valid message");

        long nonFinite = ClusterMessageSerializerTests.Count("pol", "non_finite"), badTerminal = ClusterMessageSerializerTests.Count("ins", "bad_terminal");
        PolicyParameters poisoned = Samples.Policy();
        MemoryMarshal.Cast<byte, float>(poisoned.Parameters.AsSpan())[0] = float.NaN;
        sink.Tell(new PolicyBroadcast(poisoned)); // pre-encoded as the learner publishes: the sender does not check
        TransitionBlob rows = Samples.Blob(4);
        MemoryMarshal.Cast<byte, float>(MemoryMarshal.AsMemory(rows.Data).Span)[^1] = 0.5f;
        sink.Tell(new InsertTransitions { Sequence = 2, Rows = rows });
        var huge = new TransitionBlob { Count = 400_000, ObsDim = 2, ActDim = 2, Data = new byte[400_000 * TransitionBlob.RowFloats(2, 2) * sizeof(float)] };
        sink.Tell(new InsertTransitions { Sequence = 3, Rows = huge }); // over the 8 MiB frame: dropped by the sender
        sink.Tell(new Pace { LearnerInstance = "second" });

        await Eventually.HoldsAsync(() => received.Count, n => n == 2, "the later valid message", Patience);
        await Task.Delay(300);
        Assert.Equal(["first", "second"], received.Cast<Pace>().Select(p => p.LearnerInstance));
        Assert.Equal(nonFinite + 1, ClusterMessageSerializerTests.Count("pol", "non_finite"));
        Assert.Equal(badTerminal + 1, ClusterMessageSerializerTests.Count("ins", "bad_terminal"));
        Assert.Equal(2, receiver.MembersUp("replay") + receiver.MembersUp("actor")); // no quarantine, nobody removed
        Assert.Empty(receiver.Cluster.State.Unreachable);

        sink.Tell(new Pace { LearnerInstance = "third" });
        await Eventually.HoldsAsync(() => received.Count, n => n == 3, "a message after the refusals", Patience);
    }

    private sealed class Sink : ReceiveActor
    {
        public Sink(ConcurrentQueue<object> received) => ReceiveAny(received.Enqueue);
    }
}
