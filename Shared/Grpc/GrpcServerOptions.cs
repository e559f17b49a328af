using Microsoft.AspNetCore.Http;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>Limits and hooks of the gRPC endpoints a service maps.</summary>
/// <param name="MaxReceiveMessageSize">Larger request messages are refused with RESOURCE_EXHAUSTED.</param>
/// <param name="CallFailed">Told of every call that ends with a non-OK status (for counters and logs).</param>
/// <param name="ShuttingDown">Fires when the server starts to stop: calls still running (long streams, waits) end with UNAVAILABLE so the server drains promptly.</param>
/// <param name="AuthToken">When set, every call must carry <c>authorization: Bearer AuthToken</c>; others end with UNAUTHENTICATED.</param>
public sealed record GrpcServerOptions(
    int MaxReceiveMessageSize = GrpcProtocol.DefaultMaxMessageSize,
    Action<HttpContext, RpcException>? CallFailed = null,
    CancellationToken ShuttingDown = default,
    string? AuthToken = null);
