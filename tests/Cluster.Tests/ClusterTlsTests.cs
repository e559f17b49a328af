using System.Globalization;
using SoftQDistributed.TestSupport;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>
/// Node authentication: real replay-shard processes with Akka.Remote TLS and mutual authentication. A member holding
/// the cluster certificate joins; a process with another certificate, or with none, never becomes an Up member, and
/// the seed logs the refused handshakes.
/// </summary>
public sealed class ClusterTlsTests
{
    [Fact]
    public async Task Only_a_process_with_the_cluster_certificate_joins_a_TLS_cluster()
    {
        using var directory = new TestDirectory();
        using var cluster = new SelfSignedCertificate(directory.Path, "cluster");
        using var intruder = new SelfSignedCertificate(directory.Path, "intruder");
        int seedPort = FreePort.Take();
        string seeds = $"127.0.0.1:{seedPort}";

        await using var seed = await TlsShard.StartAsync(directory.Path, 0, seedPort, seeds, cluster.PfxPath);
        await seed.ReadyAsync(TimeSpan.FromSeconds(90));

        await using var member = await TlsShard.StartAsync(directory.Path, 1, FreePort.Take(), seeds, cluster.PfxPath);
        await using var wrongCertificate = await TlsShard.StartAsync(directory.Path, 2, FreePort.Take(), seeds, intruder.PfxPath);
        await using var plain = await TlsShard.StartAsync(directory.Path, 3, FreePort.Take(), $"akka.tcp://softq@{seeds}", certificate: null);
        await member.ReadyAsync(TimeSpan.FromSeconds(90));

        // Both have had as long as the certified member needed, and more: still not members.
        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.NotEqual(200, await TlsShard.ReadyzOrZeroAsync(wrongCertificate.Http));
        Assert.NotEqual(200, await TlsShard.ReadyzOrZeroAsync(plain.Http));
        Assert.Contains("TLS handshake failed", seed.Output, StringComparison.Ordinal);
        Assert.Contains("Certificate pinning failed", wrongCertificate.Output, StringComparison.Ordinal);
    }

    private sealed class TlsShard : ChildProcess
    {
        private TlsShard(System.Diagnostics.ProcessStartInfo info, string name, Uri http) : base(info, name, "replay shard listening on ") => Http = http;

        public Uri Http { get; }

        public static Task<TlsShard> StartAsync(string directory, int id, int clusterPort, string seeds, string? certificate)
        {
            string I(int value) => value.ToString(CultureInfo.InvariantCulture);
            int httpPort = FreePort.Take();
            List<string> args = ["--port", "0", "--http-port", I(httpPort), "--shard-id", I(id), "--obs-dim", "2", "--act-dim", "2", "--capacity", "1000",
                "--data-dir", Path.Combine(directory, "data"), "--snapshot-interval", "0", "--cluster-port", I(clusterPort), "--seeds", seeds,
                "--split-brain-role", ""];
            if (certificate is not null) args.AddRange(["--cluster-tls-cert", certificate, "--cluster-tls-cert-password", SelfSignedCertificate.Password]);
            var shard = new TlsShard(Dotnet("SoftQDistributed.ReplayService.dll", directory, args), $"shard {id}", new Uri($"http://127.0.0.1:{httpPort}"));
            return Task.FromResult(shard);
        }

        public async Task ReadyAsync(TimeSpan within)
        {
            await ListeningAddressesAsync();
            await WaitUntilReadyAsync(Http, within);
        }

        public static async Task<int> ReadyzOrZeroAsync(Uri http)
        {
            try
            {
                return await ReadyzStatusAsync(http);
            }
            catch (HttpRequestException)
            {
                return 0;
            }
        }
    }
}
