using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using SoftQDistributed.Shared.Replay;
using Prometheus;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.ReplayService.Grpc;

/// <summary>
/// Counts every gRPC call by its final status, read from the grpc-status the server sent. This sees the refusals
/// Grpc.AspNetCore makes before any service code runs (an oversize or unparsable single request, an unknown method)
/// as well as the shard's own. Every non-OK call but a cancelled one is a refusal the shard counts by reason: the
/// <c>softq-reason</c> trailer its own refusals carry, else one named after the status. Exported as
/// <c>softq_rpc_server_calls_total</c> (method, status) and <c>softq_rpc_unauthenticated_total</c>.
/// </summary>
public sealed partial class GrpcCallAccounting(RequestDelegate next, ReplayShard shard, RoleMetrics metrics)
{
    private readonly Counter _serverCalls = metrics.Factory.CreateCounter("softq_rpc_server_calls_total",
        "gRPC calls this process served, by method and final status", ["method", "status"]);

    private readonly Counter _unauthenticated = metrics.Factory.CreateCounter("softq_rpc_unauthenticated_total",
        "gRPC calls refused with UNAUTHENTICATED (missing or wrong bearer token)");

    /// <summary>Canonical status names (INVALID_ARGUMENT, ...) by code, built once: no allocation per call.</summary>
    private static readonly string[] StatusNames = Enum.GetValues<StatusCode>().OrderBy(c => (int)c)
        .Select(c => PascalWord().Replace(c.ToString(), "_").ToUpperInvariant()).ToArray();

    public async Task InvokeAsync(HttpContext http)
    {
        await next(http).ConfigureAwait(false);
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true) return;
        // A call that sent no message ends with its status in the headers (trailers-only); the others in trailers.
        IHeaderDictionary? trailers = http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        string? status = Header(http.Response.Headers, trailers, "grpc-status");
        if (!int.TryParse(status, out int code) || code < 0 || code >= StatusNames.Length) return;
        var statusCode = (StatusCode)code;
        // Unknown paths are kept out of the label to bound its cardinality.
        string method = statusCode == StatusCode.Unimplemented ? "unknown" : http.Request.Path.Value!.TrimStart('/');
        _serverCalls.WithLabels(method, StatusNames[code]).Inc();
        if (statusCode is StatusCode.OK or StatusCode.Cancelled) return;
        if (statusCode == StatusCode.Unauthenticated) _unauthenticated.Inc();
        shard.CountRejection(Header(http.Response.Headers, trailers, ReplayRefusal.ReasonTrailer) ?? FallbackReason(statusCode));
    }

    private static string? Header(IHeaderDictionary headers, IHeaderDictionary? trailers, string name) =>
        headers.TryGetValue(name, out var value) || (trailers?.TryGetValue(name, out value) ?? false) ? value.ToString() : null;

    /// <summary>The reason of a refusal Grpc.AspNetCore made itself (the shard's own carry theirs).</summary>
    private static string FallbackReason(StatusCode status) => status switch
    {
        StatusCode.ResourceExhausted => "message_too_large",
        StatusCode.Unimplemented => "unknown_method",
        StatusCode.Internal => "malformed_frame",
        // UNKNOWN ("Exception was thrown by handler."): a single request message that did not deserialize, before any
        // service code ran; a bug in the service would show here too, with its stack trace in the log.
        StatusCode.Unknown => "unreadable_request",
        _ => StatusNames[(int)status].ToLowerInvariant(),
    };

    [GeneratedRegex("(?<=[a-z])(?=[A-Z])")]
    private static partial Regex PascalWord();
}
