using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>
/// A MessagePack bin field read as a slice of the buffer being decoded, not a copy of it: a 1024-row insert is ~170 KB,
/// and each copy is one more large allocation for the shard's GC. Only for buffers nothing reuses afterwards, as the
/// byte arrays Akka.Remote hands to <see cref="ClusterMessageSerializer.FromBinary"/> are (each frame its own array).
/// </summary>
public sealed class BorrowedBytesFormatter : IMessagePackFormatter<ReadOnlyMemory<byte>>
{
    public void Serialize(ref MessagePackWriter writer, ReadOnlyMemory<byte> value, MessagePackSerializerOptions options) =>
        writer.Write(value.Span);

    public ReadOnlyMemory<byte> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        reader.ReadBytes() is not { } bytes ? ReadOnlyMemory<byte>.Empty
        : bytes.IsSingleSegment ? bytes.First
        : bytes.ToArray();
}
