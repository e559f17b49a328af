using System.Collections.Frozen;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using MessagePack;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>
/// The one serializer for every message between nodes: MessagePack contracts under short manifests, decoded with
/// <see cref="MessagePackSecurity.UntrustedData"/> and checked with <see cref="IClusterMessage.Invalid"/>. A message
/// that does not decode or fails its check is counted in <see cref="SerializerRefusals"/> and refused with a
/// <see cref="SerializationException"/>: remoting drops that one message and keeps the connection. The bytes written
/// and read are counted by manifest in <see cref="ClusterTraffic"/>.
/// </summary>
public sealed class ClusterMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Above Akka's reserved range (0-40).</summary>
    public const int Id = 4101;

    private static readonly MessagePackSerializerOptions Options =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    private static readonly FrozenDictionary<Type, string> Manifests = new Dictionary<Type, string>
    {
        [typeof(InsertTransitions)] = "ins",
        [typeof(InsertAck)] = "ack",
        [typeof(SampleTransitions)] = "smp",
        [typeof(SampledTransitions)] = "sld",
        [typeof(ShardStatusRequest)] = "stq",
        [typeof(ShardStatus)] = "sts",
        [typeof(PolicyParameters)] = "pol",
        [typeof(PolicyBroadcast)] = "pol",
        [typeof(Pace)] = "pac",
        [typeof(ActorReport)] = "rep",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> Types = Manifests
        .Where(m => m.Key != typeof(PolicyBroadcast))
        .ToFrozenDictionary(m => m.Value, m => m.Key);

    public override int Identifier => Id;

    /// <summary>Every manifest a message can have.</summary>
    public static IEnumerable<string> ManifestNames => Types.Keys;

    public override string Manifest(object o) => ManifestOf(o);

    public static string ManifestOf(object o) =>
        Manifests.TryGetValue(o.GetType(), out string? manifest) ? manifest
        : throw new ArgumentException($"{o.GetType()} is not a cluster message this serializer knows");

    public override byte[] ToBinary(object obj)
    {
        byte[] bytes = obj switch
        {
            PolicyBroadcast broadcast => broadcast.Encoded,
            IClusterMessage message => Encode(message),
            _ => throw new ArgumentException($"{obj.GetType()} is not a cluster message"),
        };
        ClusterTraffic.Sent(ManifestOf(obj), bytes.Length);
        return bytes;
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        ClusterTraffic.Received(manifest, bytes.Length);
        return Decode(bytes, manifest);
    }

    /// <summary>Decodes and checks a message as a receiving node does; refusals are counted and thrown.</summary>
    public static IClusterMessage Decode(byte[] bytes, string manifest)
    {
        if (!Types.TryGetValue(manifest, out Type? type)) throw Refuse(manifest, "unknown_manifest", $"unknown manifest '{manifest}'");
        IClusterMessage message;
        try
        {
            message = (IClusterMessage)(MessagePackSerializer.Deserialize(type, bytes, Options)
                ?? throw new MessagePackSerializationException("null message"));
        }
        catch (MessagePackSerializationException ex)
        {
            throw Refuse(manifest, "malformed", ex.InnerException?.Message ?? ex.Message);
        }
        if (message.Invalid() is { } reason) throw Refuse(manifest, reason, $"{type.Name} of {bytes.Length} bytes");
        return message;
    }

    /// <summary>MessagePack bytes of <paramref name="message"/> (what goes on the wire).</summary>
    public static byte[] Encode(IClusterMessage message) => MessagePackSerializer.Serialize(message.GetType(), message, Options);

    private static SerializationException Refuse(string manifest, string reason, string detail)
    {
        SerializerRefusals.Count(manifest, reason, detail);
        return new SerializationException($"refused a '{manifest}' message ({reason}): {detail}");
    }
}
