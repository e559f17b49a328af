using System.Collections.Frozen;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>
/// Bytes this process's <see cref="ClusterMessageSerializer"/> wrote for other nodes and read from them, by message
/// kind (manifest). Akka serializes a message once per destination node, so a broadcast counts once per receiver.
/// Process-wide, as the serializer Akka creates has no other way out; exported by <see cref="ClusterMetrics"/>.
/// </summary>
public static class ClusterTraffic
{
    /// <summary>The label of bytes under a manifest no message has (refused as unknown).</summary>
    public const string Unknown = "unknown";

    private static readonly FrozenDictionary<string, Totals> ByManifest =
        ClusterMessageSerializer.ManifestNames.Append(Unknown).ToFrozenDictionary(m => m, _ => new Totals());

    public static void Sent(string manifest, int bytes) => Interlocked.Add(ref For(manifest).Sent, bytes);

    public static void Received(string manifest, int bytes) => Interlocked.Add(ref For(manifest).Received, bytes);

    /// <summary>Every manifest's totals so far.</summary>
    public static IEnumerable<(string Manifest, long Sent, long Received)> Snapshot() =>
        ByManifest.Select(m => (m.Key, Interlocked.Read(ref m.Value.Sent), Interlocked.Read(ref m.Value.Received)));

    private static Totals For(string manifest) => ByManifest.TryGetValue(manifest, out Totals? totals) ? totals : ByManifest[Unknown];

    private sealed class Totals
    {
        public long Sent;
        public long Received;
    }
}
