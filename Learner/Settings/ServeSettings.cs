using System.Net;

namespace SoftQDistributed.Learner.Settings;

/// <summary>
/// Settings of the learner service (<c>serve</c>) on top of the <c>Train</c> and <c>SoftQ</c> sections: where the
/// replay shards are, where to listen, how often to publish. Section <c>Serve</c>: a switch (<c>--publish-interval</c>),
/// a key in appsettings.json (<c>Serve:PublishInterval</c>) and an environment variable (<c>SOFTQ__Serve__PublishInterval</c>).
/// </summary>
public sealed record ServeSettings
{
    /// <summary>The replay shards' gRPC URLs, comma-separated (<c>http://127.0.0.1:50051,http://127.0.0.1:50052</c>).</summary>
    public string Replay { get; init; } = "";

    /// <summary>Address to listen on (0.0.0.0 in a container).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>gRPC port (HTTP/2: h2c, or TLS with a certificate); 0 picks a free one and prints it.</summary>
    public int Port { get; init; } = 50060;

    /// <summary>HTTP/1.1 port for /healthz and /readyz; 0 picks a free one.</summary>
    public int HttpPort { get; init; } = 8060;

    /// <summary>Publish the sampling network to subscribers every this many updates.</summary>
    public int PublishInterval { get; init; } = 20;

    /// <summary>Minibatches fetched ahead of the update that runs now.</summary>
    public int PrefetchDepth { get; init; } = 4;

    /// <summary>Concurrent sample requests of the prefetch pipeline.</summary>
    public int PrefetchWorkers { get; init; } = 2;

    /// <summary>Deadline of each call to a shard, in seconds.</summary>
    public float SampleTimeout { get; init; } = 10f;

    /// <summary>How often the shards' totals (env steps) are asked, in milliseconds; never per update.</summary>
    public int InfoInterval { get; init; } = 150;

    /// <summary>Seconds between progress lines on standard error.</summary>
    public float LogInterval { get; init; } = 5f;

    /// <summary>PKCS#12 certificate for TLS on the gRPC port; unset serves h2c.</summary>
    public string? TlsCertificate { get; init; }

    public string? TlsCertificatePassword { get; init; }

    /// <summary>The shard URLs, parsed.</summary>
    public IReadOnlyList<Uri> ReplayAddresses() =>
        Replay.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(url => new Uri(url)).ToArray();

    public void Validate()
    {
        string[] urls = Replay.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Require(urls.Length > 0, "replay must name at least one shard URL (--replay http://127.0.0.1:50051,...)");
        foreach (string url in urls)
            Require(Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https",
                $"replay URL '{url}' is not an http:// or https:// URL");
        Require(IPAddress.TryParse(Host, out _), $"host '{Host}' is not an IP address (use 127.0.0.1, or 0.0.0.0 to listen on every interface)");
        Require(Port is >= 0 and <= 65535, $"port {Port} is outside 0..65535");
        Require(HttpPort is >= 0 and <= 65535, $"http-port {HttpPort} is outside 0..65535");
        Require(PublishInterval >= 1, $"publish-interval must be at least 1, got {PublishInterval}");
        Require(PrefetchDepth >= 1, $"prefetch-depth must be at least 1, got {PrefetchDepth}");
        Require(PrefetchWorkers >= 1, $"prefetch-workers must be at least 1, got {PrefetchWorkers}");
        Require(SampleTimeout > 0 && float.IsFinite(SampleTimeout), $"sample-timeout must be a positive number of seconds, got {SampleTimeout}");
        Require(InfoInterval >= 1, $"info-interval must be at least 1 ms, got {InfoInterval}");
        Require(LogInterval > 0 && float.IsFinite(LogInterval), $"log-interval must be positive, got {LogInterval}");
        Require(TlsCertificate is null || File.Exists(TlsCertificate), $"TLS certificate '{TlsCertificate}' does not exist");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new SettingsException(message);
    }
}
