namespace SoftQDistributed.Shared.Cluster;

/// <summary>
/// A message that crosses nodes. Every one is bound to <see cref="ClusterMessageSerializer"/> (MessagePack) and checks
/// itself after decoding: a message that fails its check never reaches an actor.
/// </summary>
public interface IClusterMessage
{
    /// <summary>Null when the decoded message is well formed; otherwise the refusal reason (a short snake_case word).</summary>
    string? Invalid();
}
