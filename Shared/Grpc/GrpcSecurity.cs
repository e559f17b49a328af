using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>
/// What every role needs to call and serve the others securely, from configuration: the shared bearer token
/// (<c>Auth:Token</c>, e.g. <c>SOFTQ__AUTH__TOKEN</c>) and, for TLS between roles, the certificate clients trust
/// (<c>Tls:TrustedCertificate</c>: a PEM/DER/PKCS#12 file; the server's own certificate or the CA that signed it).
/// </summary>
public sealed record GrpcSecurity(string? Token = null, string? TrustedCertificate = null)
{
    /// <summary>The placeholders docker-compose.yml and k8s/auth-secret.yaml ship: a role refuses to run with one.</summary>
    public static readonly IReadOnlySet<string> PlaceholderTokens = new HashSet<string>(StringComparer.Ordinal) { "change-me", "change-me-before-deploying" };

    /// <summary>Reads the keys; throws <see cref="ArgumentException"/> for a token that is one of the shipped placeholders.</summary>
    public static GrpcSecurity From(IConfiguration configuration)
    {
        string? token = NullIfBlank(configuration["Auth:Token"]);
        if (token is not null && PlaceholderTokens.Contains(token))
            throw new ArgumentException($"the auth token is the placeholder '{token}'; set SOFTQ__AUTH__TOKEN (Auth:Token) to a secret of your own, e.g. $(openssl rand -hex 32)");
        return new GrpcSecurity(token, NullIfBlank(configuration["Tls:TrustedCertificate"]));
    }

    /// <summary>Server options that demand the token when one is configured.</summary>
    public GrpcServerOptions Server(GrpcServerOptions options) => options with { AuthToken = Token };

    /// <summary>Channel options that send the token and trust the configured certificate.</summary>
    public GrpcChannelOptions Channel(GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        options = options with { AuthToken = Token };
        if (TrustedCertificate is null) return options;
        if (!File.Exists(TrustedCertificate)) throw new ArgumentException($"trusted certificate '{TrustedCertificate}' does not exist");
        X509Certificate2 trusted = Path.GetExtension(TrustedCertificate).Equals(".pfx", StringComparison.OrdinalIgnoreCase)
            || Path.GetExtension(TrustedCertificate).Equals(".p12", StringComparison.OrdinalIgnoreCase)
            ? X509CertificateLoader.LoadPkcs12FromFile(TrustedCertificate, null)
            : X509CertificateLoader.LoadCertificateFromFile(TrustedCertificate);
        return options with { ServerCertificateValidation = (_, certificate, _, errors) => Trusts(trusted, certificate, errors) };
    }

    /// <summary>Accepts a certificate the system trusts, or one that chains to (or is) the configured one.</summary>
    private static bool Trusts(X509Certificate2 trusted, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (presented is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = new X509Certificate2(presented);
        return chain.Build(certificate);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
