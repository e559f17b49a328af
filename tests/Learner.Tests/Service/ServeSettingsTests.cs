using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Tests.Service;

public sealed class ServeSettingsTests
{
    [Fact]
    public void Serve_takes_every_train_switch_and_its_own()
    {
        ServeConfiguration configuration = SettingsLoader.LoadServe(["--env", "multigoal", "--seed", "7", "--env-steps", "600", "--batch-size", "32",
            "--hidden", "32,32", "--eval-episodes", "5", "--checkpoint-interval", "200", "--out", "/tmp/x",
            "--replay", "http://127.0.0.1:5001, http://127.0.0.1:5002", "--port", "0", "--http-port", "0", "--host", "127.0.0.1", "--publish-interval", "7"]);
        Assert.Equal(7UL, configuration.Training.Seed);
        Assert.Equal(600, configuration.Training.EnvSteps);
        Assert.Equal(32, configuration.Training.BatchSize);
        Assert.Equal(new[] { 32, 32 }, configuration.SoftQ.Hidden);
        Assert.Equal(0.1f, configuration.SoftQ.RewardScale); // MultiGoal's default, as train
        Assert.Equal([new Uri("http://127.0.0.1:5001"), new Uri("http://127.0.0.1:5002")], configuration.Serve.ReplayAddresses());
        Assert.Equal(0, configuration.Serve.Port);
        Assert.Equal(7, configuration.Serve.PublishInterval);
        Assert.Equal(20, SettingsLoader.LoadServe(["--replay", "http://127.0.0.1:5001"]).Serve.PublishInterval);
    }

    [Fact]
    public void Train_refuses_serve_switches_and_the_listing_names_them_apart()
    {
        Assert.Contains("unknown switch '--publish-interval'", Assert.Throws<SettingsException>(() => SettingsLoader.Load(["--publish-interval", "3"])).Message);
        Assert.DoesNotContain("--replay", SettingsLoader.Switches().Keys);
        Assert.Equal("Serve:Replay", SettingsLoader.ServeSwitches()["--replay"]);
        Assert.Equal("Serve:TlsCertificate", SettingsLoader.ServeSwitches()["--tls-cert"]);
        Assert.Empty(SettingsLoader.ServeSwitches().Keys.Intersect(SettingsLoader.Switches().Keys));
    }

    [Theory]
    [InlineData("--port", "70000", "port 70000 is outside 0..65535")]
    [InlineData("--host", "localhost", "host 'localhost' is not an IP address")]
    [InlineData("--prefetch-depth", "0", "prefetch-depth must be at least 1")]
    [InlineData("--tls-cert", "/nonexistent.pfx", "TLS certificate '/nonexistent.pfx' does not exist")]
    public void Bad_serve_settings_are_named(string name, string value, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => SettingsLoader.LoadServe(["--replay", "http://127.0.0.1:5001", name, value]));
        Assert.Contains(expected, error.Message);
    }
}
