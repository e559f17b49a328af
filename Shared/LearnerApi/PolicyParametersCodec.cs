using System.Runtime.InteropServices;
using Google.Protobuf;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Shared.LearnerApi;

/// <summary>The sampling network on the wire: its shape and its flat parameters as little-endian float32 bytes.</summary>
public static class PolicyParametersCodec
{
    public static PolicyParameters Encode(Mlp policy, ulong version, string learnerInstance, ulong updates, string env)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the wire format is little-endian");
        var message = new PolicyParameters
        {
            Version = version,
            LearnerInstance = learnerInstance,
            ObsDim = (uint)policy.Shape.ObsDim,
            ActDim = (uint)policy.Shape.OutputDim,
            Parameters = ByteString.CopyFrom(MemoryMarshal.AsBytes(policy.Parameters.AsSpan())),
            Updates = updates,
            Env = env,
        };
        foreach (int width in policy.Shape.Hidden) message.Hidden.Add((uint)width);
        return message;
    }

    /// <summary>The shape of the sampling network the message carries (tanh output of the action's width).</summary>
    public static MlpShape Shape(PolicyParameters message) =>
        new((int)message.ObsDim, (int)message.ActDim, message.Hidden.Select(h => (int)h).ToArray(), (int)message.ActDim, TanhOutput: true);

    /// <summary>Copies the parameters into <paramref name="destination"/>; throws if the count does not match.</summary>
    public static void Decode(PolicyParameters message, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(message);
        ReadOnlySpan<byte> bytes = message.Parameters.Span;
        if (bytes.Length != destination.Length * sizeof(float))
            throw new ArgumentException($"policy version {message.Version} carries {bytes.Length / sizeof(float)} parameters; {destination.Length} expected");
        MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
    }
}
