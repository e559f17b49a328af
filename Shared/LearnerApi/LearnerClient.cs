using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Shared.LearnerApi;

/// <summary>A typed client for the learner's gRPC methods (see Shared/Proto/learner.proto).</summary>
public sealed class LearnerClient : IDisposable
{
    public const string ServiceName = "softq.learner.v1.LearnerService";
    private const string SubscribePath = "/" + ServiceName + "/SubscribeParameters";
    private const string ReportPath = "/" + ServiceName + "/ReportActor";
    private const string StatusPath = "/" + ServiceName + "/Status";

    private readonly GrpcChannel _channel;

    public LearnerClient(Uri address, GrpcChannelOptions? options = null)
    {
        _channel = new GrpcChannel(address, options);
    }

    public Uri Address => _channel.Address;

    /// <summary>The newest parameters first, then each new publication, for as long as the call lasts.</summary>
    public IAsyncEnumerable<PolicyParameters> SubscribeParametersAsync(SubscribeRequest request, GrpcCallOptions options = default, CancellationToken cancellationToken = default) =>
        _channel.ServerStreamingAsync(SubscribePath, request, PolicyParameters.Parser, options, cancellationToken);

    public Task<ActorReportAck> ReportActorAsync(ActorReport report, GrpcCallOptions options = default) =>
        _channel.UnaryAsync(ReportPath, report, ActorReportAck.Parser, options);

    public Task<LearnerStatus> StatusAsync(GrpcCallOptions options = default) =>
        _channel.UnaryAsync(StatusPath, new StatusRequest(), LearnerStatus.Parser, options);

    public void Dispose() => _channel.Dispose();
}
