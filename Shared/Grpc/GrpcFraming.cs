using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>Reads and writes gRPC's length-prefixed messages on a pipe; used by both server and client.</summary>
public static class GrpcFraming
{
    /// <summary>
    /// Reads the next message, or returns null at a clean end of stream. Oversize messages fail with
    /// RESOURCE_EXHAUSTED; truncated, compressed or unparsable frames with INTERNAL.
    /// </summary>
    public static async ValueTask<T?> ReadMessageAsync<T>(PipeReader reader, MessageParser<T> parser, int maxMessageSize, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= GrpcProtocol.FrameHeaderSize)
            {
                (byte flag, uint length) = ReadHeader(buffer);
                if (flag > 1)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    throw new RpcException(StatusCode.Internal, $"malformed frame: compressed-flag byte is {flag}, expected 0 or 1", "malformed_frame");
                }
                if (flag == 1)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    throw new RpcException(StatusCode.Internal, "message is marked compressed but no grpc-encoding was negotiated (only identity is supported)", "compressed_frame");
                }
                if (length > (uint)maxMessageSize)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    throw new RpcException(StatusCode.ResourceExhausted, $"message of {length} bytes exceeds the limit of {maxMessageSize} bytes", "message_too_large");
                }
                long frameSize = GrpcProtocol.FrameHeaderSize + (long)length;
                if (buffer.Length >= frameSize)
                {
                    ReadOnlySequence<byte> payload = buffer.Slice(GrpcProtocol.FrameHeaderSize, length);
                    T message;
                    try
                    {
                        message = parser.ParseFrom(payload);
                    }
                    catch (InvalidProtocolBufferException ex)
                    {
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        throw new RpcException(StatusCode.Internal, $"message could not be parsed as {typeof(T).Name}: {ex.Message}", "unparsable_message", ex);
                    }
                    reader.AdvanceTo(buffer.GetPosition(frameSize));
                    return message;
                }
            }
            if (result.IsCompleted)
            {
                if (buffer.Length == 0)
                {
                    reader.AdvanceTo(buffer.End);
                    return null;
                }
                string got = buffer.Length < GrpcProtocol.FrameHeaderSize
                    ? $"{buffer.Length} bytes of a {GrpcProtocol.FrameHeaderSize}-byte frame header"
                    : $"{buffer.Length - GrpcProtocol.FrameHeaderSize} of {ReadHeader(buffer).Length} payload bytes";
                reader.AdvanceTo(buffer.End);
                throw new RpcException(StatusCode.Internal, $"stream ended inside a message: got {got}", "truncated_frame");
            }
            if (result.IsCanceled) throw new OperationCanceledException(cancellationToken);
            reader.AdvanceTo(buffer.Start, buffer.End); // need more bytes
        }
    }

    /// <summary>Writes one length-prefixed message and flushes it.</summary>
    public static async ValueTask WriteMessageAsync(PipeWriter writer, IMessage message, CancellationToken cancellationToken)
    {
        Write(writer, message);
        FlushResult flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flushed.IsCanceled) throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>Frames a message into a buffer without flushing.</summary>
    public static void Write(IBufferWriter<byte> writer, IMessage message)
    {
        int size = message.CalculateSize();
        Span<byte> header = writer.GetSpan(GrpcProtocol.FrameHeaderSize);
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
        writer.Advance(GrpcProtocol.FrameHeaderSize);
        message.WriteTo(writer);
    }

    private static (byte Flag, uint Length) ReadHeader(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderSize];
        buffer.Slice(0, GrpcProtocol.FrameHeaderSize).CopyTo(header);
        return (header[0], BinaryPrimitives.ReadUInt32BigEndian(header[1..]));
    }
}
