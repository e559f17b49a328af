using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.LearnerApi;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Actors;

/// <summary>
/// Holds a <c>SubscribeParameters</c> stream to the learner and keeps the newest acceptable parameters in one
/// field, swapped atomically, for the rollout loop to pick up between steps. Reconnects with capped
/// exponential back-off when the learner is gone. Parameters for another environment or another network
/// shape are refused (logged; the old ones stay); a different <c>learner_instance</c> is always taken, since
/// a restarted learner may count versions from a lower number.
/// </summary>
public sealed class ParameterSubscriber(LearnerClient learner, ActorNodeSettings settings, ILogger<ParameterSubscriber> logger) : BackgroundService
{
    private static readonly TimeSpan BackoffMin = TimeSpan.FromMilliseconds(100), BackoffMax = TimeSpan.FromSeconds(5);
    private readonly TaskCompletionSource<PolicyParameters> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PolicyParameters? _latest;
    private MlpShape? _shape;
    private long _received, _refused, _reconnects;

    /// <summary>The newest accepted parameters (null before the first).</summary>
    public PolicyParameters? Latest => Volatile.Read(ref _latest);

    /// <summary>Messages accepted, refused (wrong env or shape), and stream reconnections.</summary>
    public long Received => Interlocked.Read(ref _received);
    public long Refused => Interlocked.Read(ref _refused);
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Completes with the first accepted parameters.</summary>
    public Task<PolicyParameters> FirstAsync(CancellationToken cancellationToken) => _first.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan backoff = BackoffMin;
        bool wasConnected = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var request = new SubscribeRequest { NodeId = (uint)settings.NodeId, HaveVersion = Latest?.Version ?? 0 };
                await foreach (PolicyParameters message in learner.SubscribeParametersAsync(request, cancellationToken: stoppingToken).ConfigureAwait(false))
                {
                    if (!wasConnected) logger.LogInformation("subscribed to parameters at {Learner}", learner.Address);
                    wasConnected = true;
                    backoff = BackoffMin;
                    Offer(message);
                }
                logger.LogWarning("the learner ended the parameter stream; reconnecting");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or OperationCanceledException)
            {
                if (wasConnected || Reconnects == 0)
                    logger.LogWarning("parameter stream from {Learner} failed ({Error}); retrying with back-off", learner.Address, ex.Message);
                wasConnected = false;
            }
            Interlocked.Increment(ref _reconnects);
            try
            {
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(BackoffMax.Ticks, backoff.Ticks * 2));
        }
    }

    /// <summary>Takes <paramref name="message"/> as the newest parameters if it fits this node; returns whether it did.</summary>
    public bool Offer(PolicyParameters message)
    {
        if (!string.Equals(message.Env, settings.Env, StringComparison.OrdinalIgnoreCase))
            return Refuse(message, $"it is for environment '{message.Env}', this node acts on '{settings.Env}'");
        MlpShape shape = PolicyParametersCodec.Shape(message);
        if (shape.ObsDim != settings.ObservationDim || shape.OutputDim != settings.ActionDim || shape.Hidden.Count == 0 || shape.Hidden.Any(h => h <= 0))
            return Refuse(message, $"its network {shape} does not fit {settings.Env} (obs {settings.ObservationDim}, act {settings.ActionDim})");
        _shape ??= shape;
        if (!shape.SameAs(_shape)) return Refuse(message, $"its network {shape} is not this node's {_shape}");
        long expected = ParameterCount(shape);
        if (message.Parameters.Length != expected * sizeof(float))
            return Refuse(message, $"it carries {message.Parameters.Length / sizeof(float)} parameters, its shape has {expected}");
        PolicyParameters? current = Latest;
        if (current is not null && current.LearnerInstance == message.LearnerInstance && message.Version <= current.Version) return false;
        if (current is not null && current.LearnerInstance != message.LearnerInstance)
            logger.LogInformation("learner instance changed ({Old} -> {New}); taking its version {Version}", current.LearnerInstance, message.LearnerInstance, message.Version);
        Interlocked.Exchange(ref _latest, message);
        Interlocked.Increment(ref _received);
        _first.TrySetResult(message);
        return true;
    }

    private static long ParameterCount(MlpShape shape)
    {
        long count = 0;
        for (int layer = 0; layer < shape.LayerCount; layer++)
            count += (long)(shape.LayerInputWidth(layer) + 1) * shape.LayerWidth(layer);
        return count;
    }

    private bool Refuse(PolicyParameters message, string why)
    {
        Interlocked.Increment(ref _refused);
        logger.LogError("refused policy version {Version} from learner {Instance}: {Why}", message.Version, message.LearnerInstance, why);
        return false;
    }
}
