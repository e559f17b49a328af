namespace SoftQDistributed.ReplayService;

/// <summary>
/// One shard's settings, bound from the "Shard" section: appsettings.json, then environment variables
/// (SOFTQ__Shard__Capacity=…), then the command line (--capacity …).
/// </summary>
public sealed record ShardSettings
{
    /// <summary>Address to listen on (0.0.0.0 in a container).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>gRPC port (HTTP/2; h2c, or TLS with a certificate). 0 picks a free port and prints it.</summary>
    public int Port { get; init; } = 50051;

    /// <summary>HTTP/1.1 port for /healthz, /readyz and /metrics; null serves them on the gRPC port only.</summary>
    public int? HttpPort { get; init; }

    public int ShardId { get; init; }

    /// <summary>Where snapshots live; one folder per shard.</summary>
    public string DataDir { get; init; } = "replay-data";

    public int ObsDim { get; init; } = 17;
    public int ActDim { get; init; } = 6;
    public int Capacity { get; init; } = 1_000_000;

    public int MinSizeToSample { get; init; } = 1;

    /// <summary>Samples-per-insert ratio; unset leaves sampling free of inserts.</summary>
    public double? SamplesPerInsert { get; init; }

    public double ErrorBuffer { get; init; } = 1_000;

    /// <summary>Priority exponent α; unset samples uniformly.</summary>
    public double? PriorityExponent { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Largest batch one sample request may ask for.</summary>
    public int MaxSampleSize { get; init; } = 65_536;

    /// <summary>Largest request message accepted (RESOURCE_EXHAUSTED beyond).</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Seconds between periodic snapshots; 0 snapshots only on shutdown and on request.</summary>
    public double SnapshotIntervalSeconds { get; init; } = 300;

    /// <summary>Complete snapshots kept: the newest and the ones before it, for fallback.</summary>
    public int KeepSnapshots { get; init; } = 2;

    /// <summary>PKCS#12 certificate for TLS; unset serves h2c.</summary>
    public string? TlsCertificate { get; init; }

    public string? TlsCertificatePassword { get; init; }

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
