using Microsoft.Extensions.Configuration;
using SoftQDistributed.Shared.CommandLine;

namespace SoftQDistributed.Shared.Replay;

/// <summary>The bearer token of the replay edge, from configuration (<c>Auth:Token</c>, e.g. <c>SOFTQ__AUTH__TOKEN</c>).</summary>
public static class ReplayAuthToken
{
    /// <summary>The setting as a shard takes it (a section of its own, apart from the shard's).</summary>
    public static readonly Setting Setting = new("--auth-token", "Auth:Token", typeof(string), "unset",
        "Bearer token every call to the gRPC edge must carry; unset: no authentication.");

    /// <summary>The placeholders docker-compose.yml and k8s/auth-secret.yaml ship: a shard refuses to run with one.</summary>
    public static readonly IReadOnlySet<string> Placeholders = new HashSet<string>(StringComparer.Ordinal) { "change-me", "change-me-before-deploying" };

    /// <summary>The configured token, or null for none; throws <see cref="ArgumentException"/> for a shipped placeholder.</summary>
    public static string? From(IConfiguration configuration)
    {
        string? token = configuration["Auth:Token"];
        if (string.IsNullOrWhiteSpace(token)) return null;
        if (Placeholders.Contains(token))
            throw new ArgumentException($"the auth token is the placeholder '{token}'; set SOFTQ__AUTH__TOKEN (Auth:Token) to a secret of your own, e.g. $(openssl rand -hex 32)");
        return token;
    }
}
