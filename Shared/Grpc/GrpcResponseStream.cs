using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>The response messages of a server-streaming call, each written and flushed as it comes.</summary>
public sealed class GrpcResponseStream<T>(HttpContext httpContext, CancellationToken cancellationToken)
    where T : class, IMessage<T>
{
    public ValueTask WriteAsync(T message) =>
        GrpcFraming.WriteMessageAsync(httpContext.Response.BodyWriter, message, cancellationToken);
}
