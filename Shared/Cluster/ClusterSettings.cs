using System.ComponentModel;
using System.Net;
using SoftQDistributed.Shared.CommandLine;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>
/// How a process joins the cluster, bound from the "Cluster" section (appsettings.json, SOFTQ__Cluster__Seeds=…,
/// --seeds …). Every node of one cluster must agree on <see cref="SystemName"/>, <see cref="FrameBytes"/> and the
/// TLS certificate.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>The ActorSystem name of the whole cluster (part of every member's address).</summary>
    public const string SystemName = "softq";

    [Description("Address remoting binds to (0.0.0.0 in a container).")]
    [Switch("--cluster-host")]
    public string Host { get; set; } = "127.0.0.1";

    [Description("Remoting port; 0 picks a free one. Seeds need a fixed port.")]
    [Switch("--cluster-port")]
    public int Port { get; set; }

    [Description("The host name other members reach this one by (a pod's DNS name or IP); unset: --cluster-host.")]
    public string? PublicHost { get; set; }

    [Description("Seed nodes, comma-separated, as host:port or akka.tcp://softq@host:port (akka.ssl.tcp with TLS). Empty: this node forms a cluster of its own.")]
    public string Seeds { get; set; } = "";

    [Description("Largest message remoting carries, set alike on every node (a parameter broadcast or a sample must fit).")]
    public int FrameBytes { get; set; } = 8 * 1024 * 1024;

    [Description("Seconds heartbeats may pause (GC, a busy core) before a member is marked unreachable.")]
    [Switch("--heartbeat-pause")]
    public double HeartbeatPauseSeconds { get; set; } = 6;

    // Akka's 1 s suits large clusters; launch's handful of members on loopback uses 0.25 s.
    [Description("Seconds between gossip and leader actions: a joining member is Up, and a leaving one gone, after a few rounds.")]
    [Switch("--gossip-interval")]
    public double GossipIntervalSeconds { get; set; } = 1;

    [Description("Split-brain resolver (keep-majority) counts members of this role only; empty counts every member.")]
    public string SplitBrainRole { get; set; } = "replay";

    [Description("Seconds of stable membership before the split-brain resolver acts.")]
    [Switch("--stable-after")]
    public double StableAfterSeconds { get; set; } = 20;

    [Description("PKCS#12 certificate for Akka.Remote TLS with mutual authentication; unset: plain TCP.")]
    [Switch("--cluster-tls-cert")]
    public string? TlsCertificate { get; set; }

    [Description("Password of the --cluster-tls-cert file.")]
    [Switch("--cluster-tls-cert-password")]
    public string? TlsCertificatePassword { get; set; }

    /// <summary>The host name in this member's address.</summary>
    public string AdvertisedHost => string.IsNullOrWhiteSpace(PublicHost) ? Host : PublicHost;

    /// <summary>Remoting's protocol: TLS members have akka.ssl.tcp addresses.</summary>
    public string Protocol => string.IsNullOrEmpty(TlsCertificate) ? "akka.tcp" : "akka.ssl.tcp";

    /// <summary>The seeds as Akka addresses.</summary>
    public string[] SeedAddresses() =>
        [.. Seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.StartsWith("akka.", StringComparison.Ordinal) ? s : $"{Protocol}://{SystemName}@{s}")];

    /// <summary>Throws unless seeds are set: actor nodes and the learner have nothing to do in a cluster of their own.</summary>
    public void RequireSeeds(string role)
    {
        if (SeedAddresses().Length == 0)
            throw new ArgumentException($"{role} needs the cluster's seed nodes (--seeds host:port[,host:port...] or SOFTQ__Cluster__Seeds)");
    }

    public void Validate()
    {
        if (!IPAddress.TryParse(Host, out _)) throw new ArgumentException($"cluster host '{Host}' is not an IP address (127.0.0.1, or 0.0.0.0 in a container)");
        if (Port is < 0 or > 65535) throw new ArgumentException($"cluster port {Port} is outside 0..65535");
        foreach (string seed in SeedAddresses())
            if (!Akka.Actor.Address.TryParse(seed, out Akka.Actor.Address? address) || address.Port is null || address.System != SystemName)
                throw new ArgumentException($"seed '{seed}' is not host:port or {Protocol}://{SystemName}@host:port");
        if (FrameBytes < 64 * 1024) throw new ArgumentException($"frame bytes must be at least 65536, not {FrameBytes}");
        if (!(HeartbeatPauseSeconds >= 1)) throw new ArgumentException($"heartbeat pause must be at least 1 s, not {HeartbeatPauseSeconds}");
        if (!(GossipIntervalSeconds >= 0.1 && GossipIntervalSeconds <= 10)) throw new ArgumentException($"gossip interval must be between 0.1 and 10 s, not {GossipIntervalSeconds}");
        if (!(StableAfterSeconds >= 1)) throw new ArgumentException($"stable-after must be at least 1 s, not {StableAfterSeconds}");
        if (TlsCertificate is { Length: > 0 } path && !File.Exists(path)) throw new ArgumentException($"cluster TLS certificate '{path}' does not exist");
    }
}
