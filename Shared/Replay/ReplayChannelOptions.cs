using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SoftQDistributed.Shared.Replay;

/// <summary>How a <see cref="ReplayShardClient"/> connects to a shard.</summary>
/// <param name="AuthToken">Sent with every call as <c>authorization: Bearer AuthToken</c> when set.</param>
/// <param name="ServerCertificateValidation">For https addresses: accept a server certificate (null: the system's trust store).</param>
/// <param name="MaxReceiveMessageSize">Larger response messages fail the call with RESOURCE_EXHAUSTED.</param>
public sealed record ReplayChannelOptions(
    string? AuthToken = null,
    RemoteCertificateValidationCallback? ServerCertificateValidation = null,
    int MaxReceiveMessageSize = 4 * 1024 * 1024)
{
    /// <summary>
    /// Options that trust <paramref name="certificatePath"/> (PEM/DER, or PKCS#12 .pfx/.p12): the shard's own
    /// certificate or the CA that signed it, beside the system's trust store.
    /// </summary>
    public static ReplayChannelOptions Trusting(string certificatePath, string? authToken = null)
    {
        if (!File.Exists(certificatePath)) throw new ArgumentException($"trusted certificate '{certificatePath}' does not exist");
        string extension = Path.GetExtension(certificatePath);
        X509Certificate2 trusted = extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase)
            ? X509CertificateLoader.LoadPkcs12FromFile(certificatePath, null)
            : X509CertificateLoader.LoadCertificateFromFile(certificatePath);
        return new ReplayChannelOptions(authToken, (_, presented, _, errors) => Trusts(trusted, presented, errors));
    }

    /// <summary>Accepts a certificate the system trusts, or one that chains to (or is) the trusted one.</summary>
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
}
