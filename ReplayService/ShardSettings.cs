namespace SoftQDistributed.ReplayService;

/// <summary>
/// One shard's settings, bound from the "Shard" section: appsettings.json, then environment variables
/// (SOFTQ__Shard__Capacity=…), then the command line (--capacity …).
/// Setters, not init: the configuration-binding source generator that native AOT uses silently skips init-only
/// properties, so an AOT shard ignored every setting.
/// </summary>
public sealed record ShardSettings
{
    /// <summary>Address to listen on (0.0.0.0 in a container).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>gRPC port (HTTP/2; h2c, or TLS with a certificate). 0 picks a free port and prints it.</summary>
    public int Port { get; set; } = 50051;

    /// <summary>HTTP/1.1 port for /healthz, /readyz and /metrics; null serves them on the gRPC port only.</summary>
    public int? HttpPort { get; set; }

    public int ShardId { get; set; }

    /// <summary>Where snapshots live; one folder per shard.</summary>
    public string DataDir { get; set; } = "replay-data";

    public int ObsDim { get; set; } = 17;
    public int ActDim { get; set; } = 6;
    public int Capacity { get; set; } = 1_000_000;

    public int MinSizeToSample { get; set; } = 1;

    /// <summary>Samples-per-insert ratio; unset leaves sampling free of inserts.</summary>
    public double? SamplesPerInsert { get; set; }

    public double ErrorBuffer { get; set; } = 1_000;

    /// <summary>Priority exponent α; unset samples uniformly.</summary>
    public double? PriorityExponent { get; set; }

    public ulong Seed { get; set; } = 1;

    /// <summary>Largest batch one sample request may ask for.</summary>
    public int MaxSampleSize { get; set; } = 65_536;

    /// <summary>Largest request message accepted (RESOURCE_EXHAUSTED beyond).</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Seconds between periodic snapshots; 0 snapshots only on shutdown and on request.</summary>
    public double SnapshotIntervalSeconds { get; set; } = 300;

    /// <summary>Complete snapshots kept: the newest and the ones before it, for fallback.</summary>
    public int KeepSnapshots { get; set; } = 2;

    /// <summary>PKCS#12 certificate for TLS; unset serves h2c.</summary>
    public string? TlsCertificate { get; set; }

    public string? TlsCertificatePassword { get; set; }

    public void Validate()
    {
        if (!System.Net.IPAddress.TryParse(Host, out _)) throw new ArgumentException($"host '{Host}' is not an IP address (use 127.0.0.1, or 0.0.0.0 to listen on every interface)");
        if (Port is < 0 or > 65535) throw new ArgumentException($"port {Port} is outside 0..65535");
        if (HttpPort is < 0 or > 65535) throw new ArgumentException($"http port {HttpPort} is outside 0..65535");
        if (ShardId < 0) throw new ArgumentException($"shard id must not be negative, not {ShardId}");
        if (string.IsNullOrWhiteSpace(DataDir)) throw new ArgumentException("data dir must be set");
        if (MaxSampleSize < 1) throw new ArgumentException($"max sample size must be positive, not {MaxSampleSize}");
        if (MaxMessageBytes < 1024) throw new ArgumentException($"max message bytes must be at least 1024, not {MaxMessageBytes}");
        if (SnapshotIntervalSeconds < 0) throw new ArgumentException($"snapshot interval must not be negative, not {SnapshotIntervalSeconds}");
        if (KeepSnapshots < 2) throw new ArgumentException($"keep at least 2 snapshots (the newest and a fallback), not {KeepSnapshots}");
        TableSettings().Validate();
    }

    public Shared.Replay.ReplayTableSettings TableSettings() => new(ObsDim, ActDim, Capacity,
        new Shared.Replay.RateLimiterSettings(MinSizeToSample, SamplesPerInsert, ErrorBuffer), PriorityExponent, Seed);
}
