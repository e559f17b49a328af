using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SoftQDistributed.TestSupport;

/// <summary>A self-signed certificate for 127.0.0.1, written as the server's PKCS#12 file and the client's .crt to trust.</summary>
internal sealed class SelfSignedCertificate : IDisposable
{
    public const string Password = "secret";

    public SelfSignedCertificate(string directory, string name)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        PfxPath = Path.Combine(directory, name + ".pfx");
        CrtPath = Path.Combine(directory, name + ".crt");
        File.WriteAllBytes(PfxPath, Certificate.Export(X509ContentType.Pkcs12, Password));
        File.WriteAllBytes(CrtPath, Certificate.Export(X509ContentType.Cert));
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The server's certificate and key (PKCS#12, <see cref="Password"/>).</summary>
    public string PfxPath { get; }

    /// <summary>The certificate alone, for <c>Tls:TrustedCertificate</c>.</summary>
    public string CrtPath { get; }

    public void Dispose() => Certificate.Dispose();
}
