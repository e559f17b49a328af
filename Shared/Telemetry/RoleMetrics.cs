using Prometheus;

namespace SoftQDistributed.Shared.Telemetry;

/// <summary>
/// One process role's Prometheus registry (prometheus-net): every series carries the role's constant labels
/// (<c>role</c>, and <c>shard</c> or <c>node</c>), and prometheus-net's .NET runtime and process collectors
/// (<see cref="DotNetStats"/>: <c>process_cpu_seconds_total</c>, <c>process_working_set_bytes</c>,
/// <c>process_start_time_seconds</c>, <c>dotnet_collection_count_total</c>, ...) come with it. A registry of its own
/// rather than the static default one, so that two hosts in one process (tests) do not share series. prometheus-net's
/// EventCounter and Meter adapters are left out: the first exports a gauge named <c>..._total</c> that
/// <c>promtool check metrics</c> refuses, the second misreports <c>System.Diagnostics.Metrics</c> instruments.
/// </summary>
public sealed class RoleMetrics
{
    public RoleMetrics(string role, params (string Name, string Value)[] labels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        Registry = Metrics.NewCustomRegistry();
        var constant = new Dictionary<string, string> { ["role"] = role };
        foreach ((string name, string value) in labels)
            if (!constant.TryAdd(name, value)) throw new ArgumentException($"constant label '{name}' is given twice", nameof(labels));
        Registry.SetStaticLabels(constant); // before any metric exists: prometheus-net refuses it later
        Factory = Metrics.WithCustomRegistry(Registry);
        DotNetStats.Register(Registry);
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Creates (or returns the already registered) metrics of this role.</summary>
    public IMetricFactory Factory { get; }

    /// <summary>Runs <paramref name="update"/> before every scrape: series read from live state are set there, so recording costs nothing.</summary>
    public void BeforeScrape(Action update) => Registry.AddBeforeCollectCallback(update);

    /// <summary>The exposition text a scrape gets now (Prometheus text format 0.0.4).</summary>
    public async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
