using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.Proto.Replay;

namespace SoftQDistributed.Shared.Replay;

/// <summary>A typed client for one replay shard's gRPC methods.</summary>
public sealed class ReplayShardClient : IDisposable
{
    public const string ServiceName = "softq.replay.v1.ReplayService";
    private const string InsertPath = "/" + ServiceName + "/Insert";
    private const string SamplePath = "/" + ServiceName + "/Sample";
    private const string UpdatePrioritiesPath = "/" + ServiceName + "/UpdatePriorities";
    private const string InfoPath = "/" + ServiceName + "/Info";
    private const string CheckpointPath = "/" + ServiceName + "/Checkpoint";

    private readonly GrpcChannel _channel;

    public ReplayShardClient(Uri address, GrpcChannelOptions? options = null)
    {
        _channel = new GrpcChannel(address, options);
    }

    public Uri Address => _channel.Address;

    /// <summary>Opens an insert stream: write batches, then complete it to learn what was stored.</summary>
    public GrpcClientStreamingCall<InsertRequest, InsertResponse> OpenInsertStream(GrpcCallOptions options = default) =>
        _channel.ClientStreaming<InsertRequest, InsertResponse>(InsertPath, InsertResponse.Parser, options);

    /// <summary>Inserts one batch in its own call.</summary>
    public async Task<InsertResponse> InsertAsync(InsertRequest request, GrpcCallOptions options = default)
    {
        await using var call = OpenInsertStream(options);
        await call.WriteAsync(request).ConfigureAwait(false);
        return await call.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Streams <c>num_batches</c> sampled batches.</summary>
    public IAsyncEnumerable<SampleResponse> SampleAsync(SampleRequest request, GrpcCallOptions options = default, CancellationToken cancellationToken = default) =>
        _channel.ServerStreamingAsync(SamplePath, request, SampleResponse.Parser, options, cancellationToken);

    public Task<UpdatePrioritiesResponse> UpdatePrioritiesAsync(UpdatePrioritiesRequest request, GrpcCallOptions options = default) =>
        _channel.UnaryAsync(UpdatePrioritiesPath, request, UpdatePrioritiesResponse.Parser, options);

    public Task<InfoResponse> InfoAsync(InfoRequest? request = null, GrpcCallOptions options = default) =>
        _channel.UnaryAsync(InfoPath, request ?? new InfoRequest(), InfoResponse.Parser, options);

    public Task<CheckpointResponse> CheckpointAsync(GrpcCallOptions options = default) =>
        _channel.UnaryAsync(CheckpointPath, new CheckpointRequest(), CheckpointResponse.Parser, options);

    public void Dispose() => _channel.Dispose();
}
