using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Tests.Cluster;

/// <summary>
/// The cluster series of two members in the test process, hosted as the roles are, talking over Akka.Remote on
/// 127.0.0.1: membership, reachability, leader, mailboxes, dead letters and the serializer's bytes.
/// </summary>
[Collection(nameof(SerializerRefusalCounters))]
public sealed class ClusterMetricsTests
{
    [Fact]
    public async Task Members_leader_mailboxes_dead_letters_and_bytes_by_kind_are_exported_with_their_labels()
    {
        int port = FreePort.Take();
        string seeds = $"127.0.0.1:{port}";
        var replayMetrics = new RoleMetrics("replay", ("shard", "0"));
        var actorMetrics = new RoleMetrics("actor", ("node", "0"));
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestClusterNode replay = await TestClusterNode.StartAsync("replay", port, seeds, (akka, _) =>
            akka.WithActors((system, _) => system.ActorOf(Props.Create(() => new Sink(received)), "sink")), replayMetrics);
        await using TestClusterNode actor = await TestClusterNode.StartAsync("actor", 0, seeds, metrics: actorMetrics);
        double paceSent = Value(await actorMetrics.ScrapeAsync(), "softq_cluster_sent_bytes_total{manifest=\"pac\",role=\"actor\",node=\"0\"}");

        actor.System.ActorSelection(new RootActorPath(replay.Address) / "user" / "sink").Tell(new Pace { LearnerInstance = "metrics" });
        await received.Task.WaitAsync(TimeSpan.FromSeconds(15));
        actor.System.ActorSelection("/user/nobody").Tell("lost");

        string text = await Eventually.ReturnsAsync(replayMetrics.ScrapeAsync,
            t => Value(t, "softq_cluster_members{member_role=\"actor\",status=\"up\",role=\"replay\",shard=\"0\"}") == 1, "the actor member Up");
        const string replayLabels = "role=\"replay\",shard=\"0\"";
        Assert.Equal(1, Value(text, $"softq_cluster_members{{member_role=\"replay\",status=\"up\",{replayLabels}}}"));
        Assert.Equal(0, Value(text, $"softq_cluster_members{{member_role=\"learner\",status=\"up\",{replayLabels}}}"));
        Assert.Equal(0, Value(text, $"softq_cluster_unreachable_members{{member_role=\"actor\",{replayLabels}}}"));
        Assert.Equal(1, Value(text, $"softq_cluster_self_status{{status=\"up\",{replayLabels}}}"));
        Assert.Equal(0, Value(text, $"softq_cluster_self_status{{status=\"joining\",{replayLabels}}}"));
        Assert.Equal(0, Value(text, $"softq_cluster_learner_reachable{{{replayLabels}}}"));
        Assert.Equal(1, Value(text, $"softq_cluster_leader_present{{{replayLabels}}}"));
        Assert.InRange(Value(text, $"softq_cluster_membership_unchanged_seconds{{{replayLabels}}}"), 0, 60);
        Assert.Equal(0, Value(text, $"softq_cluster_mailbox_depth{{actor=\"sink\",{replayLabels}}}"));
        Assert.True(Value(text, $"softq_cluster_received_bytes_total{{manifest=\"pac\",{replayLabels}}}") > 0, text);

        string actorText = await Eventually.ReturnsAsync(actorMetrics.ScrapeAsync,
            t => Value(t, "softq_cluster_dead_letters_total{role=\"actor\",node=\"0\"}") >= 1, "the dead letter counted");
        Assert.True(Value(actorText, "softq_cluster_sent_bytes_total{manifest=\"pac\",role=\"actor\",node=\"0\"}") > paceSent, actorText);
        Assert.Contains("softq_cluster_serializer_refusals_total", actorText);
    }

    [PrometheusToolFact]
    public async Task Promtool_accepts_a_members_metrics()
    {
        int port = FreePort.Take();
        var metrics = new RoleMetrics("replay", ("shard", "0"));
        await using TestClusterNode replay = await TestClusterNode.StartAsync("replay", port, $"127.0.0.1:{port}", metrics: metrics);

        // Cluster.State follows membership events a moment after MemberUp.
        const string up = "softq_cluster_members{member_role=\"replay\",status=\"up\",role=\"replay\",shard=\"0\"} 1\n";
        string text = await Eventually.ReturnsAsync(metrics.ScrapeAsync, t => t.Contains(up, StringComparison.Ordinal), "this member Up in its metrics");
        (int exitCode, string output) = await PrometheusServer.CheckMetricsAsync(text);

        Assert.True(exitCode == 0, $"promtool check metrics:\n{output}\n--- metrics ---\n{text}");
    }

    private static double Value(string text, string series)
    {
        string? line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private sealed class Sink : ReceiveActor
    {
        public Sink(TaskCompletionSource received) => ReceiveAny(_ => received.TrySetResult());
    }
}
