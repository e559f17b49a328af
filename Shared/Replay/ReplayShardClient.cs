using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using SoftQDistributed.Shared.Proto.Replay;

namespace SoftQDistributed.Shared.Replay;

/// <summary>A client for one replay shard's gRPC methods (Shared/Proto/replay.proto) over a Grpc.Net.Client channel.</summary>
public sealed class ReplayShardClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Proto.Replay.ReplayService.ReplayServiceClient _client;

    public ReplayShardClient(Uri address, ReplayChannelOptions? options = null)
    {
        options ??= new ReplayChannelOptions();
        var handler = new SocketsHttpHandler
        {
            // Many concurrent streams (actors' insert streams, parallel samples) need not queue behind one connection's stream limit.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        if (options.ServerCertificateValidation is { } validation) handler.SslOptions.RemoteCertificateValidationCallback = validation;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            MaxSendMessageSize = null, // the shard enforces its own limit and says so
        });
        Address = address;
        CallInvoker invoker = options.AuthToken is { } token
            ? _channel.Intercept(metadata =>
            {
                metadata.Add("authorization", "Bearer " + token);
                return metadata;
            })
            : _channel.CreateCallInvoker();
        _client = new Proto.Replay.ReplayService.ReplayServiceClient(invoker);
    }

    public Uri Address { get; }

    /// <summary>Opens an insert stream: write batches to its RequestStream, complete it, then await ResponseAsync to learn what was stored.</summary>
    public AsyncClientStreamingCall<InsertRequest, InsertResponse> OpenInsertStream(CallOptions options = default) => _client.Insert(options);

    /// <summary>Inserts <paramref name="requests"/> in order on one stream (one call).</summary>
    public async Task<InsertResponse> InsertAsync(IEnumerable<InsertRequest> requests, CallOptions options = default)
    {
        using AsyncClientStreamingCall<InsertRequest, InsertResponse> call = OpenInsertStream(options);
        try
        {
            foreach (InsertRequest request in requests) await call.RequestStream.WriteAsync(request).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The shard may end the call while we write (a refused batch or token, a full message), and the write
            // then fails with a bare CANCELLED or "call is complete": the shard's own status says why.
            if (await ServerStatusAsync(call).ConfigureAwait(false) is { } status) throw status;
            throw;
        }
        return await call.ResponseAsync.ConfigureAwait(false);
    }

    /// <summary>Inserts one batch in its own call.</summary>
    public Task<InsertResponse> InsertAsync(InsertRequest request, CallOptions options = default) => InsertAsync([request], options);

    /// <summary>Streams <c>num_batches</c> sampled batches.</summary>
    public async IAsyncEnumerable<SampleResponse> SampleAsync(SampleRequest request, CallOptions options = default)
    {
        using AsyncServerStreamingCall<SampleResponse> call = _client.Sample(request, options);
        await foreach (SampleResponse response in call.ResponseStream.ReadAllAsync(options.CancellationToken).ConfigureAwait(false))
            yield return response;
    }

    public Task<UpdatePrioritiesResponse> UpdatePrioritiesAsync(UpdatePrioritiesRequest request, CallOptions options = default) =>
        _client.UpdatePrioritiesAsync(request, options).ResponseAsync;

    public Task<InfoResponse> InfoAsync(InfoRequest? request = null, CallOptions options = default) =>
        _client.InfoAsync(request ?? new InfoRequest(), options).ResponseAsync;

    public Task<CheckpointResponse> CheckpointAsync(CallOptions options = default) =>
        _client.CheckpointAsync(new CheckpointRequest(), options).ResponseAsync;

    public void Dispose() => _channel.Dispose();

    /// <summary>The error status the call ended with, or null when it ended well.</summary>
    private static async Task<RpcException?> ServerStatusAsync(AsyncClientStreamingCall<InsertRequest, InsertResponse> call)
    {
        try
        {
            await call.ResponseAsync.ConfigureAwait(false);
            return null;
        }
        catch (RpcException status)
        {
            return status;
        }
    }
}
