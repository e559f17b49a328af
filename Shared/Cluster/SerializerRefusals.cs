using System.Collections.Concurrent;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>
/// Messages this process's serializer refused, by manifest and reason, and the last one's detail for the log. The
/// serializer runs on remoting's threads and has no logger of its own: the hosting logs <see cref="Refused"/> events.
/// </summary>
public static class SerializerRefusals
{
    private static readonly ConcurrentDictionary<(string Manifest, string Reason), long> Counts = new();

    /// <summary>Raised for every refusal: manifest, reason, detail.</summary>
    public static event Action<string, string, string>? Refused;

    public static void Count(string manifest, string reason, string detail)
    {
        Counts.AddOrUpdate((manifest, reason), 1, (_, n) => n + 1);
        Refused?.Invoke(manifest, reason, detail);
    }

    public static IReadOnlyDictionary<(string Manifest, string Reason), long> Snapshot() => new Dictionary<(string, string), long>(Counts);

    public static long Total => Counts.Values.Sum();
}
