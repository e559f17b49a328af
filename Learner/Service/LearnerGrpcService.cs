using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Learner.Service;

/// <summary>The learner's gRPC methods (see Shared/Proto/learner.proto).</summary>
public sealed class LearnerGrpcService(ServeConfiguration configuration, TrainingLoop training, ParameterBroadcaster broadcaster, ActorReports reports)
{
    /// <summary>The newest parameters at once, then each newer one; ends cleanly (OK) when the learner stops.</summary>
    public async Task SubscribeParametersAsync(SubscribeRequest request, GrpcResponseStream<PolicyParameters> responses, GrpcServerCallContext context)
    {
        try
        {
            await foreach (PolicyParameters parameters in broadcaster.SubscribeAsync(context.CancellationToken).ConfigureAwait(false))
                await responses.WriteAsync(parameters).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.ShuttingDown)
        {
            // the learner stops: the stream ends with OK, and the node reconnects to the next incarnation
        }
    }

    public Task<ActorReportAck> ReportActorAsync(ActorReport report, GrpcServerCallContext context)
    {
        ulong version = broadcaster.Version;
        reports.Add(report, version);
        return Task.FromResult(new ActorReportAck { LearnerVersion = version });
    }

    public Task<LearnerStatus> StatusAsync(StatusRequest request, GrpcServerCallContext context)
    {
        ActorSummary actors = reports.Summary();
        return Task.FromResult(new LearnerStatus
        {
            Env = configuration.Training.Env,
            Updates = (ulong)training.Updates,
            PolicyVersion = broadcaster.Version,
            LearnerInstance = training.Instance,
            EnvSteps = (ulong)training.EnvSteps,
            EnvStepsBudget = (ulong)configuration.Training.EnvSteps,
            Done = training.Done,
            MeanPolicyLagVersions = actors.MeanPolicyLagVersions,
            TransitionsDropped = actors.TransitionsDropped,
            TransitionsRetried = actors.TransitionsRetried,
            ActorsReporting = (uint)actors.ActorsReporting,
            Subscribers = (ulong)broadcaster.Subscribers,
            UpdatesPerSecond = training.UpdatesPerSecond,
            SkippedUpdates = (ulong)training.SkippedUpdates,
            RecentMeanReturn = actors.RecentMeanReturn,
        });
    }
}
