using Grpc.Core;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Integration;

public sealed class TlsTests
{
    [Fact]
    public async Task A_shard_with_a_certificate_serves_gRPC_over_TLS()
    {
        using var dir = new TestDirectory();
        using var certificate = new SelfSignedCertificate(dir.Path, "shard");

        await using ShardProcess shard = await ShardProcess.StartAsync(Path.Combine(dir.Path, "data"), 0, "--tls-cert", certificate.PfxPath, "--tls-cert-password", SelfSignedCertificate.Password);
        Assert.Equal("https", shard.Grpc.Scheme);
        string thumbprint = certificate.Certificate.Thumbprint;
        using var client = new ReplayShardClient(shard.Grpc, new ReplayChannelOptions(
            ServerCertificateValidation: (_, presented, _, _) => presented is not null && presented.GetCertHashString() == thumbprint));
        await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(8, 3, 2, 0)) });
        Assert.Equal(8UL, (await client.InfoAsync()).Size);

        // Trust the server's own certificate, exported as a .crt file.
        using var trusting = new ReplayShardClient(shard.Grpc, ReplayChannelOptions.Trusting(certificate.CrtPath));
        Assert.Equal(8UL, (await trusting.InfoAsync()).Size);
        using var untrusting = new ReplayShardClient(shard.Grpc);
        var refused = await Assert.ThrowsAsync<RpcException>(() => untrusting.InfoAsync());
        Assert.Contains("SSL connection could not be established", refused.Status.Detail);
        Assert.NotNull(refused.Status.DebugException); // refused on this side, before any call reached the shard
    }
}
