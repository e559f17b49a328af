namespace SoftQDistributed.Shared.Grpc;

/// <summary>A call that ended with a non-OK gRPC status, on either side of the wire.</summary>
/// <param name="status">The status code sent or received.</param>
/// <param name="detail">The grpc-message text: what went wrong, for a person.</param>
/// <param name="reason">A short stable tag for counting refusals by kind (server side), e.g. "message_too_large".</param>
public sealed class RpcException(StatusCode status, string detail, string? reason = null, Exception? inner = null)
    : Exception($"gRPC {status}: {detail}", inner)
{
    public StatusCode Status { get; } = status;

    public string Detail { get; } = detail;

    public string Reason { get; } = reason ?? status.ToString();

    /// <summary>True when the status came from the server's grpc-status; false when the client made it up (transport failure, local deadline).</summary>
    public bool FromServer { get; init; }
}
