using Microsoft.Extensions.Configuration;
using SoftQDistributed.Shared.CommandLine;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>The settings of the "Cluster" section, the same switches on every role, and how they are read.</summary>
public static class ClusterSwitches
{
    public static readonly IReadOnlyList<Setting> Settings = Setting.Of<ClusterSettings>("Cluster");

    /// <summary>The "Cluster" settings, checked (an <see cref="ArgumentException"/> names the bad one).</summary>
    public static ClusterSettings ReadClusterSettings(this IConfiguration configuration)
    {
        ClusterSettings settings = configuration.GetSection("Cluster").Get<ClusterSettings>() ?? new ClusterSettings();
        settings.Validate();
        return settings;
    }
}
