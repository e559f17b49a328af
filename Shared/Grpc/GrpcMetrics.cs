using System.Diagnostics.Metrics;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>
/// RPC counters of every role, recorded by the gRPC layer itself: calls served and made by method
/// (<c>package.Service/Method</c>) and final status (<c>OK</c>, <c>UNAVAILABLE</c>, ...), and calls refused for a
/// missing or wrong token. Exported as <c>softq_rpc_server_calls_total</c>, <c>softq_rpc_client_calls_total</c>,
/// <c>softq_rpc_unauthenticated_total</c>.
/// </summary>
public static class GrpcMetrics
{
    private static readonly Counter<long> ServerCalls = SoftQMeter.Shared.CreateCounter<long>("rpc.server.calls", "{call}",
        "gRPC calls this process served, by method and final status");

    private static readonly Counter<long> ClientCalls = SoftQMeter.Shared.CreateCounter<long>("rpc.client.calls", "{call}",
        "gRPC calls this process made, by method and final status");

    private static readonly Counter<long> Unauthenticated = SoftQMeter.Shared.CreateCounter<long>("rpc.unauthenticated", "{call}",
        "gRPC calls refused with UNAUTHENTICATED (missing or wrong bearer token)");

    /// <summary>The method label of calls to a path that is not mapped (kept out of the label to bound cardinality).</summary>
    public const string UnknownMethod = "unknown";

    internal static void ServerCall(string method, StatusCode status) =>
        ServerCalls.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("status", Name(status)));

    internal static void ClientCall(string method, StatusCode status) =>
        ClientCalls.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("status", Name(status)));

    internal static void RefusedUnauthenticated() => Unauthenticated.Add(1);

    /// <summary>The canonical gRPC name of a status (as grpc-status documents them), without allocating.</summary>
    public static string Name(StatusCode status) => status switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.Unknown => "UNKNOWN",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.Aborted => "ABORTED",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.Internal => "INTERNAL",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.DataLoss => "DATA_LOSS",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    };
}
