namespace SoftQDistributed.Shared.Telemetry;

/// <summary>What a process exports and how.</summary>
/// <param name="ConstantLabels">Labels on every series of the process: <c>role</c>, and <c>shard</c> or <c>node</c>.</param>
/// <param name="Meters">Meter names listened to (default: <see cref="SoftQMeter.Name"/>).</param>
/// <param name="IncludeRuntimeMetrics">Also export the runtime's <c>System.Runtime</c> meter as <c>softq_dotnet_*</c>.</param>
/// <param name="HistogramBuckets">Bucket bounds by exported name; they win over the instrument's advice.</param>
/// <param name="MaxSeriesPerInstrument">Tag combinations kept per instrument before the overflow series.</param>
public sealed record PrometheusExporterOptions(
    IReadOnlyList<KeyValuePair<string, string>>? ConstantLabels = null,
    IReadOnlyList<string>? Meters = null,
    bool IncludeRuntimeMetrics = true,
    IReadOnlyDictionary<string, double[]>? HistogramBuckets = null,
    int MaxSeriesPerInstrument = 1000);
