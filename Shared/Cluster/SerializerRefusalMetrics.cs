using System.Diagnostics.Metrics;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>
/// Exports <see cref="SerializerRefusals"/> on every role as <c>softq_cluster_serializer_refusals_total{manifest,reason}</c>:
/// messages from other nodes this process refused to decode, by message kind and reason.
/// </summary>
public static class SerializerRefusalMetrics
{
    private static int _created;

    public static void Ensure()
    {
        if (Interlocked.Exchange(ref _created, 1) != 0) return;
        SoftQMeter.Shared.CreateObservableCounter("cluster.serializer_refusals", () => SerializerRefusals.Snapshot().Select(r =>
                new Measurement<long>(r.Value, new KeyValuePair<string, object?>("manifest", r.Key.Manifest), new KeyValuePair<string, object?>("reason", r.Key.Reason))),
            "{message}", "Messages from other nodes refused by the serializer (malformed, mis-shaped, non-finite, oversize), by kind and reason");
    }
}
