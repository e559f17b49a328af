using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Grpc;

/// <summary>With a token configured, every call must carry <c>authorization: Bearer TOKEN</c>; others end with UNAUTHENTICATED.</summary>
public sealed class BearerTokenInterceptor(string token) : Interceptor
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        const string scheme = "Bearer ";
        string? header = context.RequestHeaders.GetValue("authorization");
        bool carries = header is not null && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            // Constant time: a wrong guess must not tell how much of it was right.
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), _expected);
        if (!carries) throw ReplayRefusal.Create(StatusCode.Unauthenticated, "missing or wrong bearer token (authorization: Bearer ...)", "unauthenticated");
    }
}
