using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Actors;

/// <summary>
/// Keeps the newest acceptable parameters heard on the policy topic in one field, swapped atomically, for the rollout
/// to pick up between steps (a slow node simply skips to the newest). Parameters for another environment or another
/// network shape are refused (logged; the old ones stay); a different learner instance is always taken, since a
/// restarted learner may count versions from a lower number.
/// </summary>
public sealed class ParameterSubscriber(ActorNodeSettings settings, ILogger<ParameterSubscriber> logger)
{
    private readonly TaskCompletionSource<PolicyParameters> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PolicyParameters? _latest;
    private MlpShape? _shape;
    private long _received, _refused;

    /// <summary>The newest accepted parameters (null before the first).</summary>
    public PolicyParameters? Latest => Volatile.Read(ref _latest);

    /// <summary>Messages accepted, and refused (wrong env or shape).</summary>
    public long Received => Interlocked.Read(ref _received);
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Completes with the first accepted parameters.</summary>
    public Task<PolicyParameters> FirstAsync(CancellationToken cancellationToken) => _first.Task.WaitAsync(cancellationToken);

    /// <summary>Takes <paramref name="message"/> as the newest parameters if it fits this node; returns whether it did.</summary>
    public bool Offer(PolicyParameters message)
    {
        if (!string.Equals(message.Env, settings.Env, StringComparison.OrdinalIgnoreCase))
            return Refuse(message, $"it is for environment '{message.Env}', this node acts on '{settings.Env}'");
        MlpShape shape = message.Shape();
        if (shape.ObsDim != settings.ObservationDim || shape.OutputDim != settings.ActionDim)
            return Refuse(message, $"its network {shape} does not fit {settings.Env} (obs {settings.ObservationDim}, act {settings.ActionDim})");
        _shape ??= shape;
        if (!shape.SameAs(_shape)) return Refuse(message, $"its network {shape} is not this node's {_shape}");
        PolicyParameters? current = Latest;
        if (current is not null && current.LearnerInstance == message.LearnerInstance && message.Version <= current.Version) return false;
        if (current is not null && current.LearnerInstance != message.LearnerInstance)
            logger.LogInformation("learner instance changed ({Old} -> {New}); taking its version {Version}", current.LearnerInstance, message.LearnerInstance, message.Version);
        Interlocked.Exchange(ref _latest, message);
        Interlocked.Increment(ref _received);
        _first.TrySetResult(message);
        return true;
    }

    private bool Refuse(PolicyParameters message, string why)
    {
        Interlocked.Increment(ref _refused);
        logger.LogError("refused policy version {Version} from learner {Instance}: {Why}", message.Version, message.LearnerInstance, why);
        return false;
    }
}
