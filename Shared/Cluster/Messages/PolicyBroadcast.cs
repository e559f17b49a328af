namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>
/// A <see cref="PolicyParameters"/> encoded once by the learner. Remoting serializes a message once per destination
/// node; this one's serialization is a copy of <see cref="Encoded"/>, so publishing to many nodes costs one encoding.
/// Receivers decode it as <see cref="PolicyParameters"/> (the serializer's manifest is the same).
/// </summary>
public sealed class PolicyBroadcast(PolicyParameters parameters) : IClusterMessage
{
    public PolicyParameters Parameters { get; } = parameters;

    public byte[] Encoded { get; } = ClusterMessageSerializer.Encode(parameters);

    public string? Invalid() => Parameters.Invalid();
}
