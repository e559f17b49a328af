using System.Runtime.InteropServices;
using MessagePack;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>
/// Learner → every actor node (pub-sub topic <see cref="Topics.Policy"/>): the sampling network's shape and flat
/// parameters (little-endian float32, the layout of <c>Mlp.Parameters</c>). The learner publishes it pre-encoded as a
/// <see cref="PolicyBroadcast"/>; subscribers receive this decoded form.
/// </summary>
[MessagePackObject]
public sealed class PolicyParameters : IClusterMessage
{
    /// <summary>Increases with every publication of one learner incarnation.</summary>
    [Key(0)] public ulong Version { get; set; }

    /// <summary>Changes when the learner restarts: a lower version from a new instance is newer.</summary>
    [Key(1)] public string LearnerInstance { get; set; } = "";

    [Key(2)] public int ObsDim { get; set; }
    [Key(3)] public int ActDim { get; set; }
    [Key(4)] public int[] Hidden { get; set; } = [];
    [Key(5)] public byte[] Parameters { get; set; } = [];

    /// <summary>Learner updates behind this version.</summary>
    [Key(6)] public ulong Updates { get; set; }

    /// <summary>The environment the learner trains on; a node acting on another refuses it.</summary>
    [Key(7)] public string Env { get; set; } = "";

    /// <summary>The shape of the sampling network (tanh output of the action's width).</summary>
    public MlpShape Shape() => new(ObsDim, ActDim, Hidden, ActDim, TanhOutput: true);

    [IgnoreMember] public ReadOnlySpan<float> Values => MemoryMarshal.Cast<byte, float>(Parameters.AsSpan());

    public static PolicyParameters From(Mlp policy, ulong version, string learnerInstance, ulong updates, string env)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the wire format is little-endian");
        return new PolicyParameters
        {
            Version = version,
            LearnerInstance = learnerInstance,
            ObsDim = policy.Shape.ObsDim,
            ActDim = policy.Shape.OutputDim,
            Hidden = [.. policy.Shape.Hidden],
            Parameters = MemoryMarshal.AsBytes(policy.Parameters.AsSpan()).ToArray(),
            Updates = updates,
            Env = env,
        };
    }

    public string? Invalid()
    {
        if (ObsDim < 1 || ActDim < 1 || Hidden is null || Hidden.Length == 0 || Hidden.Any(h => h < 1)) return "bad_shape";
        MlpShape shape = Shape();
        long expected = 0;
        for (int layer = 0; layer < shape.LayerCount; layer++) expected += (long)(shape.LayerInputWidth(layer) + 1) * shape.LayerWidth(layer);
        if (Parameters is null || Parameters.Length != expected * sizeof(float)) return "truncated";
        if (!VectorOps.AllFinite(Values)) return "non_finite";
        return null;
    }
}
