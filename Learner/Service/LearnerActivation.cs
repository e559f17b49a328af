using Akka.Actor;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// Whether this process holds the cluster's one learner. The <see cref="LearnerSingleton"/> actor, which Akka's
/// cluster singleton runs on the oldest Up member of role "learner", activates it; the training loop waits for that
/// before it samples, updates or publishes anything. Losing the singleton while training (this member was downed
/// or left) stops the process after a checkpoint: two learners must never train one cluster.
/// </summary>
public sealed class LearnerActivation(Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime)
{
    private readonly TaskCompletionSource _active = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsActive => _active.Task.IsCompleted;

    public Task WaitAsync(CancellationToken cancellationToken) => _active.Task.WaitAsync(cancellationToken);

    internal void Activate() => _active.TrySetResult();

    internal void Lose()
    {
        if (!IsActive) return;
        Console.Error.WriteLine("learner: this member no longer holds the cluster's learner singleton; stopping (checkpoint first)");
        lifetime.StopApplication();
    }
}

/// <summary>The cluster singleton on role "learner": while it runs, this process is the learner.</summary>
public sealed class LearnerSingleton : UntypedActor
{
    private readonly LearnerActivation _activation;

    public LearnerSingleton(LearnerActivation activation) => _activation = activation;

    public static Props Props(LearnerActivation activation) => Akka.Actor.Props.Create(() => new LearnerSingleton(activation));

    protected override void PreStart() => _activation.Activate();

    protected override void PostStop() => _activation.Lose();

    protected override void OnReceive(object message) => Unhandled(message);
}
