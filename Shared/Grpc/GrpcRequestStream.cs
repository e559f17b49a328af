using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>The request messages of a client-streaming call, read one at a time.</summary>
public sealed class GrpcRequestStream<T>(HttpContext httpContext, MessageParser<T> parser, int maxMessageSize, CancellationToken cancellationToken)
    where T : class, IMessage<T>
{
    /// <summary>The next message, or null when the client has finished sending.</summary>
    public ValueTask<T?> ReadAsync() =>
        GrpcFraming.ReadMessageAsync(httpContext.Request.BodyReader, parser, maxMessageSize, cancellationToken);
}
