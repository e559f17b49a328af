using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Cluster;

namespace SoftQDistributed.Tests.Service;

public sealed class ServeSettingsTests
{
    [Fact]
    public void Serve_takes_every_train_switch_its_own_and_the_cluster_ones()
    {
        ServeConfiguration configuration = SettingsLoader.LoadServe(["--env", "multigoal", "--seed", "7", "--env-steps", "600", "--batch-size", "32",
            "--hidden", "32,32", "--eval-episodes", "5", "--checkpoint-interval", "200", "--out", "/tmp/x", "--http-port", "0", "--host", "127.0.0.1",
            "--publish-interval", "7", "--steps-ahead", "300", "--pace-interval", "25", "--sample-deadline", "250", "--prefetch-workers", "2", "--batches-per-request", "3",
            "--cluster-port", "4053", "--seeds", "127.0.0.1:4053, akka.tcp://softq@10.0.0.2:4053", "--heartbeat-pause", "9", "--gossip-interval", "0.25"]);
        Assert.Equal(7UL, configuration.Training.Seed);
        Assert.Equal(600, configuration.Training.EnvSteps);
        Assert.Equal(32, configuration.Training.BatchSize);
        Assert.Equal(new[] { 32, 32 }, configuration.SoftQ.Hidden);
        Assert.Equal(0.1f, configuration.SoftQ.RewardScale); // MultiGoal's default, as train
        ServeSettings serve = configuration.Serve;
        Assert.Equal((0, "127.0.0.1", 7, 300, 25, 250, 2, 3), (serve.HttpPort, serve.Host, serve.PublishInterval, serve.StepsAhead, serve.PaceInterval,
            serve.SampleDeadline, serve.PrefetchWorkers, serve.BatchesPerRequest));
        ClusterSettings cluster = configuration.Cluster;
        Assert.Equal(4053, cluster.Port);
        Assert.Equal(["akka.tcp://softq@127.0.0.1:4053", "akka.tcp://softq@10.0.0.2:4053"], cluster.SeedAddresses());
        Assert.Equal(9, cluster.HeartbeatPauseSeconds);
        Assert.Equal(0.25, cluster.GossipIntervalSeconds);
    }

    [Theory]
    [InlineData("0.05")]
    [InlineData("30")]
    public void A_gossip_interval_out_of_range_is_refused_in_one_line(string seconds)
    {
        var error = Assert.ThrowsAny<Exception>(() => SettingsLoader.LoadServe(["--seeds", "127.0.0.1:4053", "--gossip-interval", seconds]));
        Assert.Contains("gossip interval must be between 0.1 and 10 s", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Defaults_need_only_the_seeds()
    {
        ServeConfiguration configuration = SettingsLoader.LoadServe(["--seeds", "127.0.0.1:4053"]);
        Assert.Equal(20, configuration.Serve.PublishInterval);
        Assert.Equal(1000, configuration.Serve.StepsAhead);
        Assert.Equal(0, configuration.Cluster.Port);
        Assert.Equal(["akka.tcp://softq@127.0.0.1:4053"], configuration.Cluster.SeedAddresses());
        Assert.Equal("replay", configuration.Cluster.SplitBrainRole);
    }

    [Fact]
    public void Without_seeds_the_learner_refuses_to_start()
    {
        // A learner in a cluster of its own would wait for shards forever: a setting error, said in one line.
        var error = Assert.Throws<SettingsException>(() => SettingsLoader.LoadServe([]));
        Assert.Contains("--seeds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_refuses_serve_switches_and_the_listing_names_them_apart()
    {
        Assert.Contains("unknown option '--publish-interval'", Assert.Throws<SettingsException>(() => SettingsLoader.Load(["--publish-interval", "3"])).Message);
        Assert.Contains("unknown option '--seeds'", Assert.Throws<SettingsException>(() => SettingsLoader.Load(["--seeds", "127.0.0.1:1"])).Message);
        Dictionary<string, string> train = SettingsLoader.TrainSettings.ToDictionary(s => s.Switch, s => s.Key);
        Dictionary<string, string> serve = SettingsLoader.ServeSettings.ToDictionary(s => s.Switch, s => s.Key);
        Assert.DoesNotContain("--seeds", train.Keys);
        Assert.Equal("Cluster:Seeds", serve["--seeds"]);
        Assert.Equal("Cluster:TlsCertificate", serve["--cluster-tls-cert"]);
        Assert.Equal("Serve:StepsAhead", serve["--steps-ahead"]);
        Assert.Empty(serve.Keys.Intersect(train.Keys));
        // The gRPC-era switches are gone: the learner finds the shards through the cluster.
        Assert.DoesNotContain("--replay", serve.Keys);
        Assert.DoesNotContain("--port", serve.Keys);
        Assert.DoesNotContain("--tls-cert", serve.Keys);
    }

    [Theory]
    [InlineData("--http-port", "70000", "http-port 70000 is outside 0..65535")]
    [InlineData("--host", "localhost", "host 'localhost' is not an IP address")]
    [InlineData("--prefetch-depth", "0", "prefetch-depth must be at least 1")]
    [InlineData("--steps-ahead", "0", "steps-ahead must be at least 1")]
    [InlineData("--sample-deadline", "0", "sample-deadline must be at least 1 ms")]
    [InlineData("--cluster-port", "70000", "cluster port 70000 is outside 0..65535")]
    [InlineData("--seeds", "nowhere", "seed 'akka.tcp://softq@nowhere' is not host:port")]
    [InlineData("--cluster-tls-cert", "/nonexistent.pfx", "cluster TLS certificate '/nonexistent.pfx' does not exist")]
    [InlineData("--replay", "http://127.0.0.1:5001", "unknown option '--replay'")]
    public void Bad_serve_settings_are_named(string name, string value, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => SettingsLoader.LoadServe([name, value]));
        Assert.Contains(expected, error.Message);
    }
}
