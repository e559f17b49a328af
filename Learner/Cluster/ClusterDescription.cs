using System.Text.Json;
using System.Text.Json.Serialization;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>One process in cluster.json.</summary>
public sealed record ClusterMember(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("rpc_url")] string? RpcUrl,
    [property: JsonPropertyName("http_url")] string HttpUrl,
    [property: JsonPropertyName("akka_address")] string AkkaAddress,
    [property: JsonPropertyName("restarts")] int Restarts)
{
    /// <summary>The addresses as cluster.json holds them, for launch's log ("rpc http://…, http http://…, akka.tcp://…").</summary>
    public string Addresses() => RpcUrl is null ? $"http {HttpUrl}, {AkkaAddress}" : $"rpc {RpcUrl}, http {HttpUrl}, {AkkaAddress}";
}

/// <summary>
/// <c>DIR/cluster.json</c>: every process launch started, with its current pid and addresses. Rewritten
/// (atomically: a temporary file renamed over it) whenever a child starts or restarts.
/// </summary>
public static class ClusterDescription
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };
    private static readonly Lock Gate = new();

    public static IReadOnlyList<ClusterMember> Describe(IEnumerable<SupervisedChild> children) =>
        [.. children.Select(c => new ClusterMember(c.Spec.Role, c.Spec.Index, c.Pid, c.Spec.RpcUrl?.ToString().TrimEnd('/'),
            c.Spec.HttpUrl.ToString().TrimEnd('/'), c.Spec.AkkaAddress, c.Restarts))];

    public static void Write(string path, IEnumerable<SupervisedChild> children)
    {
        string json = JsonSerializer.Serialize(Describe(children), Options);
        lock (Gate)
        {
            string temporary = path + ".tmp";
            File.WriteAllText(temporary, json + Environment.NewLine);
            File.Move(temporary, path, overwrite: true);
        }
    }

    public static IReadOnlyList<ClusterMember> Read(string path) =>
        JsonSerializer.Deserialize<List<ClusterMember>>(File.ReadAllText(path)) ?? [];
}
