using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>
/// Maps gRPC methods onto ASP.NET Core endpoints at <c>/package.Service/Method</c>: checks the request is gRPC
/// over HTTP/2, applies grpc-timeout, frames the messages, and ends every call with grpc-status and
/// grpc-message (as trailers, or as headers for a call that sent no message).
/// </summary>
public static class GrpcEndpoints
{
    public static IEndpointConventionBuilder MapGrpcUnary<TRequest, TResponse>(this IEndpointRouteBuilder endpoints, string service, string method,
        MessageParser<TRequest> parser, GrpcServerOptions options, Func<TRequest, GrpcServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        string label = Method(service, method);
        return endpoints.MapPost(Path(service, method), http => RunAsync(http, options, label, async context =>
        {
            TRequest request = await ReadSingleAsync(http, parser, options, context.CancellationToken).ConfigureAwait(false);
            TResponse response = await handler(request, context).ConfigureAwait(false);
            await GrpcFraming.WriteMessageAsync(http.Response.BodyWriter, response, context.CancellationToken).ConfigureAwait(false);
        }));
    }

    public static IEndpointConventionBuilder MapGrpcClientStreaming<TRequest, TResponse>(this IEndpointRouteBuilder endpoints, string service, string method,
        MessageParser<TRequest> parser, GrpcServerOptions options, Func<GrpcRequestStream<TRequest>, GrpcServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        string label = Method(service, method);
        return endpoints.MapPost(Path(service, method), http => RunAsync(http, options, label, async context =>
        {
            var requests = new GrpcRequestStream<TRequest>(http, parser, options.MaxReceiveMessageSize, context.CancellationToken);
            TResponse response = await handler(requests, context).ConfigureAwait(false);
            await GrpcFraming.WriteMessageAsync(http.Response.BodyWriter, response, context.CancellationToken).ConfigureAwait(false);
        }));
    }

    public static IEndpointConventionBuilder MapGrpcServerStreaming<TRequest, TResponse>(this IEndpointRouteBuilder endpoints, string service, string method,
        MessageParser<TRequest> parser, GrpcServerOptions options, Func<TRequest, GrpcResponseStream<TResponse>, GrpcServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        string label = Method(service, method);
        return endpoints.MapPost(Path(service, method), http => RunAsync(http, options, label, async context =>
        {
            TRequest request = await ReadSingleAsync(http, parser, options, context.CancellationToken).ConfigureAwait(false);
            await handler(request, new GrpcResponseStream<TResponse>(http, context.CancellationToken), context).ConfigureAwait(false);
        }));
    }

    /// <summary>Answers UNIMPLEMENTED for any other /Service/Method path (literal routes above win over this one).</summary>
    public static IEndpointConventionBuilder MapGrpcUnimplemented(this IEndpointRouteBuilder endpoints, GrpcServerOptions options)
    {
        return endpoints.MapPost("/{service}/{method}", http => RunAsync(http, options, GrpcMetrics.UnknownMethod, _ =>
            throw new RpcException(StatusCode.Unimplemented, $"unknown method {http.Request.Path}", "unknown_method")));
    }

    private static string Path(string service, string method) => $"/{service}/{method}";

    /// <summary>The method label of the RPC metrics.</summary>
    private static string Method(string service, string method) => $"{service}/{method}";

    private static async Task RunAsync(HttpContext http, GrpcServerOptions options, string method, Func<GrpcServerCallContext, Task> call)
    {
        if (!http.Request.Protocol.Equals("HTTP/2", StringComparison.Ordinal))
        {
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            await http.Response.WriteAsync("gRPC needs HTTP/2\n").ConfigureAwait(false);
            return;
        }
        if (http.Request.ContentType is not { } contentType || !contentType.StartsWith(GrpcProtocol.ContentType, StringComparison.Ordinal))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        http.Response.ContentType = GrpcProtocol.ContentType;
        http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = "identity";
        if (options.AuthToken is { } token && !GrpcProtocol.CarriesToken(http.Request.Headers.Authorization, token))
        {
            GrpcMetrics.RefusedUnauthenticated();
            await EndAsync(http, options, method, new RpcException(StatusCode.Unauthenticated, "missing or wrong bearer token (authorization: Bearer ...)", "unauthenticated")).ConfigureAwait(false);
            return;
        }
        string? timeoutHeader = http.Request.Headers[GrpcProtocol.TimeoutHeader];
        TimeSpan? timeout = null;
        if (timeoutHeader is not null)
        {
            if (!GrpcProtocol.TryParseTimeout(timeoutHeader, out TimeSpan parsed))
            {
                await EndAsync(http, options, method, new RpcException(StatusCode.Internal, $"malformed grpc-timeout '{timeoutHeader}'", "malformed_timeout")).ConfigureAwait(false);
                return;
            }
            timeout = parsed;
        }
        string? encoding = http.Request.Headers[GrpcProtocol.EncodingHeader];
        if (encoding is not null && encoding != "identity")
        {
            await EndAsync(http, options, method, new RpcException(StatusCode.Unimplemented, $"grpc-encoding '{encoding}' is not supported; use identity", "unsupported_encoding")).ConfigureAwait(false);
            return;
        }

        using var context = new GrpcServerCallContext(http, timeout, options.ShuttingDown);
        try
        {
            await call(context).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            await EndAsync(http, options, method, ex).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (context.DeadlinePassed)
        {
            await EndAsync(http, options, method, new RpcException(StatusCode.DeadlineExceeded, $"deadline of {timeout?.TotalSeconds:0.###} s exceeded", "deadline")).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            GrpcMetrics.ServerCall(method, StatusCode.Cancelled);
            return; // the client went away: nobody is left to tell
        }
        catch (OperationCanceledException) when (context.ShuttingDown)
        {
            await EndAsync(http, options, method, new RpcException(StatusCode.Unavailable, "server is shutting down; retry on another shard or after restart", "shutting_down")).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            await EndAsync(http, options, method, new RpcException(StatusCode.Internal, $"server error: {ex.GetType().Name}: {ex.Message}", "server_error", ex)).ConfigureAwait(false);
            return;
        }
        GrpcMetrics.ServerCall(method, StatusCode.OK);
        WriteStatus(http, StatusCode.OK, "");
    }

    private static Task EndAsync(HttpContext http, GrpcServerOptions options, string method, RpcException ex)
    {
        GrpcMetrics.ServerCall(method, ex.Status);
        options.CallFailed?.Invoke(http, ex);
        WriteStatus(http, ex.Status, ex.Detail);
        return Task.CompletedTask;
    }

    private static void WriteStatus(HttpContext http, StatusCode status, string detail)
    {
        string code = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!http.Response.HasStarted)
        {
            // Trailers-only response: the status travels in the (only) header block.
            http.Response.Headers[GrpcProtocol.StatusHeader] = code;
            if (detail.Length > 0) http.Response.Headers[GrpcProtocol.MessageHeader] = GrpcProtocol.EncodeMessage(detail);
            return;
        }
        http.Response.AppendTrailer(GrpcProtocol.StatusHeader, code);
        if (detail.Length > 0) http.Response.AppendTrailer(GrpcProtocol.MessageHeader, GrpcProtocol.EncodeMessage(detail));
    }

    private static async Task<T> ReadSingleAsync<T>(HttpContext http, MessageParser<T> parser, GrpcServerOptions options, CancellationToken token)
        where T : class, IMessage<T>
    {
        T request = await GrpcFraming.ReadMessageAsync(http.Request.BodyReader, parser, options.MaxReceiveMessageSize, token).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, "the call carried no request message", "missing_message");
        if (await GrpcFraming.ReadMessageAsync(http.Request.BodyReader, parser, options.MaxReceiveMessageSize, token).ConfigureAwait(false) is not null)
            throw new RpcException(StatusCode.Unimplemented, "more than one request message for a single-request method", "extra_message");
        return request;
    }
}
