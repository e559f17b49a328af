using Microsoft.Extensions.Configuration;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>The command-line switches of the "Cluster" section, the same on every role, and how they are read.</summary>
public static class ClusterSwitches
{
    public static readonly IReadOnlyDictionary<string, string> Mappings = new Dictionary<string, string>
    {
        ["--cluster-host"] = "Cluster:Host",
        ["--cluster-port"] = "Cluster:Port",
        ["--public-host"] = "Cluster:PublicHost",
        ["--seeds"] = "Cluster:Seeds",
        ["--frame-bytes"] = "Cluster:FrameBytes",
        ["--heartbeat-pause"] = "Cluster:HeartbeatPauseSeconds",
        ["--gossip-interval"] = "Cluster:GossipIntervalSeconds",
        ["--split-brain-role"] = "Cluster:SplitBrainRole",
        ["--stable-after"] = "Cluster:StableAfterSeconds",
        ["--cluster-tls-cert"] = "Cluster:TlsCertificate",
        ["--cluster-tls-cert-password"] = "Cluster:TlsCertificatePassword",
    };

    /// <summary>A role's own switches plus these.</summary>
    public static IDictionary<string, string> With(IDictionary<string, string> roleSwitches) =>
        new Dictionary<string, string>(roleSwitches.Concat(Mappings));

    /// <summary>The "Cluster" settings, checked (an <see cref="ArgumentException"/> names the bad one).</summary>
    public static ClusterSettings ReadClusterSettings(this IConfiguration configuration)
    {
        ClusterSettings settings = configuration.GetSection("Cluster").Get<ClusterSettings>() ?? new ClusterSettings();
        settings.Validate();
        return settings;
    }
}
