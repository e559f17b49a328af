using SoftQDistributed.Actors.Extensions;
using SoftQDistributed.Shared.Cluster;

namespace SoftQDistributed.Actors.Tests.Unit;

public sealed class ActorSwitchesTests
{
    /// <summary>The switches the deployment files, launch and users' scripts pass: made from the records now, they must not move.</summary>
    [Fact]
    public void Every_switch_an_actor_node_took_before_sets_the_same_key()
    {
        var expected = new Dictionary<string, string>
        {
            ["--env"] = "Actor:Env", ["--envs"] = "Actor:Envs", ["--node-id"] = "Actor:NodeId", ["--seed"] = "Actor:Seed", ["--host"] = "Actor:Host",
            ["--http-port"] = "Actor:HttpPort", ["--backend"] = "Actor:Backend", ["--send-batch"] = "Actor:SendBatch", ["--flush-ms"] = "Actor:FlushMilliseconds",
            ["--max-buffered"] = "Actor:MaxBuffered", ["--report-interval"] = "Actor:ReportIntervalSeconds", ["--stop-flush-seconds"] = "Actor:StopFlushSeconds",
            ["--window-per-shard"] = "Actor:WindowPerShard", ["--slow-shard-ms"] = "Actor:SlowShardMilliseconds", ["--resend-seconds"] = "Actor:ResendSeconds",
        };
        foreach (var setting in ClusterSwitches.Settings) expected[setting.Switch] = setting.Key;
        Assert.Equal(expected.OrderBy(p => p.Key), ActorNodeExtensions.Settings.ToDictionary(s => s.Switch, s => s.Key).OrderBy(p => p.Key));
    }
}
