using SoftQDistributed.ReplayService.Extensions;

namespace SoftQDistributed.ReplayService.Tests.Unit;

public sealed class ShardSwitchesTests
{
    /// <summary>The switches the deployment files, launch and users' scripts pass: made from the records now, they must not move.</summary>
    [Fact]
    public void Every_switch_a_shard_took_before_sets_the_same_key()
    {
        var expected = new Dictionary<string, string>
        {
            ["--host"] = "Shard:Host", ["--port"] = "Shard:Port", ["--http-port"] = "Shard:HttpPort", ["--shard-id"] = "Shard:ShardId",
            ["--data-dir"] = "Shard:DataDir", ["--obs-dim"] = "Shard:ObsDim", ["--act-dim"] = "Shard:ActDim", ["--capacity"] = "Shard:Capacity",
            ["--min-size"] = "Shard:MinSizeToSample", ["--priority-exponent"] = "Shard:PriorityExponent", ["--seed"] = "Shard:Seed", ["--max-sample-size"] = "Shard:MaxSampleSize",
            ["--max-message-bytes"] = "Shard:MaxMessageBytes", ["--snapshot-interval"] = "Shard:SnapshotIntervalSeconds",
            ["--keep-snapshots"] = "Shard:KeepSnapshots", ["--tls-cert"] = "Shard:TlsCertificate", ["--tls-cert-password"] = "Shard:TlsCertificatePassword",
            ["--auth-token"] = "Auth:Token",
            ["--cluster-host"] = "Cluster:Host", ["--cluster-port"] = "Cluster:Port", ["--public-host"] = "Cluster:PublicHost", ["--seeds"] = "Cluster:Seeds",
            ["--frame-bytes"] = "Cluster:FrameBytes", ["--heartbeat-pause"] = "Cluster:HeartbeatPauseSeconds", ["--gossip-interval"] = "Cluster:GossipIntervalSeconds",
            ["--split-brain-role"] = "Cluster:SplitBrainRole", ["--stable-after"] = "Cluster:StableAfterSeconds", ["--cluster-tls-cert"] = "Cluster:TlsCertificate",
            ["--cluster-tls-cert-password"] = "Cluster:TlsCertificatePassword",
        };
        Assert.Equal(expected.OrderBy(p => p.Key), ReplayShardExtensions.Settings.ToDictionary(s => s.Switch, s => s.Key).OrderBy(p => p.Key));
    }
}
