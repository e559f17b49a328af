using System.Runtime.InteropServices;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using MessagePack;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Tests.Cluster;

/// <summary>The refusal counters are process-wide: the tests that read them run one at a time.</summary>
[CollectionDefinition(nameof(SerializerRefusalCounters), DisableParallelization = true)]
public sealed class SerializerRefusalCounters;

[Collection(nameof(SerializerRefusalCounters))]
public sealed class ClusterMessageSerializerTests : IDisposable
{
    private static readonly Config Bindings = ConfigurationFactory.ParseString($$"""
        akka.actor.serializers.softq-msgpack = "{{typeof(ClusterMessageSerializer).AssemblyQualifiedName}}"
        akka.actor.serialization-bindings { "{{typeof(IClusterMessage).AssemblyQualifiedName}}" = softq-msgpack }
        akka.loglevel = WARNING
        """);

    private readonly ActorSystem _system = ActorSystem.Create("serializer-test", Bindings);

    public void Dispose() => _system.Dispose();

    [Theory]
    [MemberData(nameof(Samples.EveryMessage), MemberType = typeof(Samples))]
    public void Every_message_goes_through_the_MessagePack_serializer_and_round_trips(IClusterMessage message)
    {
        Akka.Serialization.Serializer serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<ClusterMessageSerializer>(serializer);
        Assert.Equal(ClusterMessageSerializer.Id, serializer.Identifier);
        string manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        Assert.InRange(manifest.Length, 1, 3);

        byte[] bytes = serializer.ToBinary(message);
        object decoded = _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType(message.GetType(), decoded);
        Assert.Null(((IClusterMessage)decoded).Invalid());
        Assert.Equal(bytes, ClusterMessageSerializer.Encode((IClusterMessage)decoded)); // every field survived
    }

    [Fact]
    public void Every_cluster_message_type_has_a_manifest()
    {
        Type[] types = [.. typeof(IClusterMessage).Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && typeof(IClusterMessage).IsAssignableFrom(t))];
        Assert.True(types.Length >= 10, string.Join(", ", types.Select(t => t.Name)));
        foreach (Type type in types.Where(t => t != typeof(PolicyBroadcast)))
        {
            IClusterMessage message = Samples.EveryMessage().Select(m => (IClusterMessage)m[0]).FirstOrDefault(m => m.GetType() == type)
                ?? throw new Xunit.Sdk.XunitException($"no sample of {type.Name}: add one to Samples.EveryMessage");
            Assert.NotEmpty(ClusterMessageSerializer.ManifestOf(message));
        }
    }

    [Fact]
    public void Fields_survive_the_round_trip()
    {
        var pace = (Pace)Decode(Samples.EveryMessage().Select(m => m[0]).OfType<Pace>().Single());
        Assert.Equal(2600, pace.Budgets["node-b"]);
        Assert.Equal(5000, pace.AllowedEnvSteps);
        PolicyParameters original = Samples.Policy(version: 11);
        var policy = (PolicyParameters)Decode(original);
        Assert.Equal((11UL, "learner-a", "multigoal", 220UL), (policy.Version, policy.LearnerInstance, policy.Env, policy.Updates));
        Assert.True(policy.Shape().SameAs(Samples.PolicyShape));
        Assert.Equal(original.Values.ToArray(), policy.Values.ToArray());
        var sampled = (SampledTransitions)Decode(new SampledTransitions { Rows = Samples.Blob(4), Status = Samples.Status() });
        Assert.Equal(("shard-instance", 120L), (sampled.Status.Instance, sampled.Status.TotalInserted));
        Assert.Equal(Samples.Blob(4).Data.ToArray(), sampled.Rows!.Data.ToArray());
    }

    [Fact]
    public void Decoded_rows_are_a_slice_of_the_received_frame_not_a_copy()
    {
        byte[] frame = ClusterMessageSerializer.Encode(new InsertTransitions { Sequence = 1, Rows = Samples.Blob(4) });
        var insert = (InsertTransitions)ClusterMessageSerializer.Decode(frame, "ins");
        Assert.True(MemoryMarshal.TryGetArray(insert.Rows.Data, out ArraySegment<byte> segment));
        Assert.Same(frame, segment.Array);
        Assert.Equal(Samples.Blob(4).Data.ToArray(), insert.Rows.Data.ToArray());
    }

    [Fact]
    public void A_policy_broadcast_is_encoded_once_and_decodes_as_the_parameters_it_carries()
    {
        PolicyParameters parameters = Samples.Policy(version: 5);
        var broadcast = new PolicyBroadcast(parameters);
        var serializer = (ClusterMessageSerializer)_system.Serialization.FindSerializerFor(broadcast);

        // One encoding for every destination: each serialization hands out the bytes made at construction.
        Assert.Same(broadcast.Encoded, serializer.ToBinary(broadcast));
        Assert.Same(broadcast.Encoded, serializer.ToBinary(broadcast));
        Assert.Equal(ClusterMessageSerializer.Encode(parameters), broadcast.Encoded);
        Assert.Equal(ClusterMessageSerializer.ManifestOf(parameters), serializer.Manifest(broadcast));

        var received = Assert.IsType<PolicyParameters>(serializer.FromBinary(broadcast.Encoded, serializer.Manifest(broadcast)));
        Assert.Equal(5UL, received.Version);
        Assert.Equal(parameters.Values.ToArray(), received.Values.ToArray());
    }

    public static IEnumerable<object[]> Refused()
    {
        TransitionBlob Spoil(Action<TransitionBlob> spoil)
        {
            TransitionBlob blob = Samples.Blob(3);
            spoil(blob);
            return blob;
        }
        void SetFloat(TransitionBlob blob, int index, float value) => MemoryMarshal.Cast<byte, float>(MemoryMarshal.AsMemory(blob.Data).Span)[index] = value;
        InsertTransitions Insert(TransitionBlob rows) => new() { Sequence = 1, PolicyVersion = 1, Rows = rows };
        PolicyParameters SpoilPolicy(Action<PolicyParameters> spoil)
        {
            PolicyParameters policy = Samples.Policy();
            spoil(policy);
            return policy;
        }
        void SetParameter(PolicyParameters policy, int index, float value) => MemoryMarshal.Cast<byte, float>(policy.Parameters.AsSpan())[index] = value;

        return
        [
            ["truncated rows", Insert(Spoil(b => b.Data = b.Data[..^4])), "ins", "truncated"],
            ["more rows claimed than sent", Insert(Spoil(b => b.Count = 5)), "ins", "truncated"],
            ["rows of no width", Insert(Spoil(b => b.ObsDim = 0)), "ins", "bad_shape"],
            ["no rows", Insert(Spoil(b => (b.Count, b.Data) = (0, ReadOnlyMemory<byte>.Empty))), "ins", "bad_shape"],
            ["a NaN observation", Insert(Spoil(b => SetFloat(b, 0, float.NaN))), "ins", "non_finite"],
            ["an infinite reward", Insert(Spoil(b => SetFloat(b, 3 * 4 + 1, float.PositiveInfinity))), "ins", "non_finite"],
            ["a terminal of 0.5", Insert(Spoil(b => SetFloat(b, b.Data.Length / 4 - 2, 0.5f))), "ins", "bad_terminal"],
            ["a sampled row with NaN", new SampledTransitions { Rows = Spoil(b => SetFloat(b, 5, float.NaN)), Status = Samples.Status() }, "sld", "non_finite"],
            ["a sample with neither rows nor a refusal", new SampledTransitions { Status = Samples.Status() }, "sld", "empty_sample"],
            ["a sample request over the limit", new SampleTransitions { Count = SampleTransitions.MaxCount + 1 }, "smp", "bad_sample_size"],
            ["a sample request for nothing", new SampleTransitions { Count = 0 }, "smp", "bad_sample_size"],
            ["parameters cut short", SpoilPolicy(p => p.Parameters = p.Parameters[..^4]), "pol", "truncated"],
            ["parameters for another shape", SpoilPolicy(p => p.Hidden = [8, 9]), "pol", "truncated"],
            ["a network without hidden layers", SpoilPolicy(p => p.Hidden = []), "pol", "bad_shape"],
            ["an infinite parameter", SpoilPolicy(p => SetParameter(p, 3, float.NegativeInfinity)), "pol", "non_finite"],
            ["a status with more rows than ever inserted", new ShardStatus { Size = 10, TotalInserted = 5 }, "sts", "bad_status"],
            ["a negative budget", new Pace { Budgets = new Dictionary<string, long> { ["n"] = -1 } }, "pac", "bad_pace"],
            ["a report with a NaN return", new ActorReport { EpisodeReturns = [float.NaN] }, "rep", "non_finite"],
            ["a report with negative steps", new ActorReport { EnvSteps = -1 }, "rep", "bad_report"],
            ["an ack of a negative size", new InsertAck { ShardSize = -1 }, "ack", "bad_size"],
        ];
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_malformed_message_is_refused_with_its_reason_counted(string what, IClusterMessage message, string manifest, string reason)
    {
        // What a sender that skips the checks (or a hostile one) puts on the wire: the encoding does not check.
        byte[] bytes = ClusterMessageSerializer.Encode(message);
        AssertRefused(() => ClusterMessageSerializer.Decode(bytes, manifest), manifest, reason, what);
        AssertRefused(() => _system.Serialization.Deserialize(bytes, ClusterMessageSerializer.Id, manifest), manifest, reason, what);
    }

    [Fact]
    public void Garbage_cut_off_and_mistyped_bytes_and_unknown_manifests_are_refused()
    {
        byte[] insert = ClusterMessageSerializer.Encode(new InsertTransitions { Sequence = 1, Rows = Samples.Blob(3) });
        AssertRefused(() => ClusterMessageSerializer.Decode(insert[..(insert.Length / 2)], "ins"), "ins", "malformed", "cut in half");
        AssertRefused(() => ClusterMessageSerializer.Decode([], "ins"), "ins", "malformed", "no bytes");
        var garbage = new byte[257];
        new Random(3).NextBytes(garbage);
        garbage[0] = 0x94; // an array header, so the decoder goes on into the garbage
        AssertRefused(() => ClusterMessageSerializer.Decode(garbage, "ins"), "ins", "malformed", "garbage");
        AssertRefused(() => ClusterMessageSerializer.Decode(MessagePackSerializer.Serialize("hello"), "pac"), "pac", "malformed", "a string for a pace");
        AssertRefused(() => ClusterMessageSerializer.Decode(insert, "zzz"), "zzz", "unknown_manifest", "an unknown manifest");
        AssertRefused(() => _system.Serialization.Deserialize(insert, ClusterMessageSerializer.Id, "zzz"), "zzz", "unknown_manifest", "an unknown manifest");
    }

    [Fact]
    public void Only_cluster_messages_are_serialized()
    {
        var serializer = (ClusterMessageSerializer)_system.Serialization.FindSerializerForType(typeof(Pace));
        Assert.Throws<ArgumentException>(() => serializer.ToBinary("a string"));
        Assert.Throws<ArgumentException>(() => serializer.Manifest(new object()));
    }

    private object Decode(IClusterMessage message)
    {
        Akka.Serialization.Serializer serializer = _system.Serialization.FindSerializerFor(message);
        return _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
    }

    private static void AssertRefused(Func<object> decode, string manifest, string reason, string what)
    {
        long before = Count(manifest, reason), total = SerializerRefusals.Total;
        (string, string, string)? raised = null;
        void Record(string m, string r, string d) => raised = (m, r, d);
        SerializerRefusals.Refused += Record;
        try
        {
            var error = Assert.Throws<SerializationException>(() => decode());
            Assert.Contains(reason, error.Message);
        }
        finally
        {
            SerializerRefusals.Refused -= Record;
        }
        Assert.True(Count(manifest, reason) == before + 1, $"{what}: the ({manifest}, {reason}) counter did not go up by one");
        Assert.Equal(total + 1, SerializerRefusals.Total);
        Assert.Equal(manifest, raised?.Item1);
        Assert.Equal(reason, raised?.Item2);
    }

    internal static long Count(string manifest, string reason) =>
        SerializerRefusals.Snapshot().TryGetValue((manifest, reason), out long n) ? n : 0;
}
