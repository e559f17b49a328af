using System.ComponentModel;
using SoftQDistributed.Shared.CommandLine;

namespace SoftQDistributed.ReplayService;

/// <summary>
/// One shard's settings, bound from the "Shard" section: appsettings.json, then environment variables
/// (SOFTQ__Shard__Capacity=…), then the command line (--capacity …).
/// Setters, not init: the configuration-binding source generator that native AOT uses silently skips init-only
/// properties, so an AOT shard ignored every setting.
/// </summary>
public sealed record ShardSettings
{
    [Description("Address to listen on (0.0.0.0 in a container).")]
    public string Host { get; set; } = "127.0.0.1";

    [Description("gRPC port (HTTP/2; h2c, or TLS with a certificate). 0 picks a free port and prints it.")]
    public int Port { get; set; } = 50051;

    [Description("HTTP/1.1 port for /healthz, /readyz and /metrics; unset serves them on the gRPC port only.")]
    public int? HttpPort { get; set; }

    [Description("This shard's number: its snapshot folder, metrics label and cluster identity.")]
    public int ShardId { get; set; }

    [Description("Where snapshots live; one folder per shard.")]
    public string DataDir { get; set; } = "replay-data";

    [Description("Observation width of the stored transitions (the environment's).")]
    public int ObsDim { get; set; } = 17;

    [Description("Action width of the stored transitions (the environment's).")]
    public int ActDim { get; set; } = 6;

    [Description("Transitions this shard holds; the oldest are replaced beyond.")]
    public int Capacity { get; set; } = 1_000_000;

    [Description("Transitions stored before samples are served; a gRPC Sample waits for them.")]
    [Switch("--min-size")]
    public int MinSizeToSample { get; set; } = 1;

    [Description("Priority exponent α; unset samples uniformly.")]
    public double? PriorityExponent { get; set; }

    [Description("Seed of the sampling.")]
    public ulong Seed { get; set; } = 1;

    [Description("Largest batch one sample request may ask for.")]
    public int MaxSampleSize { get; set; } = 65_536;

    [Description("Largest request message accepted (RESOURCE_EXHAUSTED beyond).")]
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    [Description("Seconds between periodic snapshots; 0 snapshots only on shutdown and on request.")]
    [Switch("--snapshot-interval")]
    public double SnapshotIntervalSeconds { get; set; } = 300;

    [Description("Complete snapshots kept: the newest and the ones before it, for fallback.")]
    public int KeepSnapshots { get; set; } = 2;

    [Description("PKCS#12 certificate for TLS; unset serves h2c.")]
    [Switch("--tls-cert")]
    public string? TlsCertificate { get; set; }

    [Description("Password of the --tls-cert file.")]
    [Switch("--tls-cert-password")]
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

    public Shared.Replay.ReplayTableSettings TableSettings() => new(ObsDim, ActDim, Capacity, MinSizeToSample, PriorityExponent, Seed);
}
