using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Integration;

public sealed class TlsTests
{
    [Fact]
    public async Task A_shard_with_a_certificate_serves_gRPC_over_TLS()
    {
        using var dir = new TestDirectory();
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string pfx = Path.Combine(dir.Path, "shard.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "secret"));

        await using ShardProcess shard = await ShardProcess.StartAsync(Path.Combine(dir.Path, "data"), 0, "--tls-cert", pfx, "--tls-cert-password", "secret");
        Assert.Equal("https", shard.Grpc.Scheme);
        string thumbprint = certificate.Thumbprint;
        using var client = new ReplayShardClient(shard.Grpc, new GrpcChannelOptions(
            ServerCertificateValidation: (_, presented, _, _) => presented is not null && presented.GetCertHashString() == thumbprint));
        await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(8, 3, 2, 0)) });
        Assert.Equal(8UL, (await client.InfoAsync()).Size);

        // The configuration route every role uses: trust the server's own certificate, exported as a .crt file.
        string crt = Path.Combine(dir.Path, "shard.crt");
        await File.WriteAllBytesAsync(crt, certificate.Export(X509ContentType.Cert));
        using var trusting = new ReplayShardClient(shard.Grpc, new GrpcSecurity(TrustedCertificate: crt).Channel());
        Assert.Equal(8UL, (await trusting.InfoAsync()).Size);
        using var untrusting = new ReplayShardClient(shard.Grpc);
        var refused = await Assert.ThrowsAsync<RpcException>(() => untrusting.InfoAsync());
        Assert.Equal(StatusCode.Unavailable, refused.Status);
    }
}
