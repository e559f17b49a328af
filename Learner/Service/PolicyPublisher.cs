using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// Publishes the sampling network to every actor node on the policy topic, encoded once per publication (see
/// <see cref="PolicyBroadcast"/>). Pub-sub reaches only the nodes subscribed at that moment, so the newest
/// publication is sent again every <see cref="RepeatInterval"/> while no newer one goes out: a node that joins
/// while the learner waits (for data, or done) still gets parameters. The clock is a parameter so that tests can
/// move time themselves instead of racing a loaded machine.
/// </summary>
public sealed class PolicyPublisher(ActorSystem system, TimeProvider? clock = null)
{
    public static readonly TimeSpan RepeatInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private PolicyBroadcast? _latest;
    private long _publishedAt;

    /// <summary>The newest publication's version (0 before the first).</summary>
    public ulong Version => Volatile.Read(ref _latest)?.Parameters.Version ?? 0;

    public void Publish(PolicyParameters parameters)
    {
        var broadcast = new PolicyBroadcast(parameters);
        Volatile.Write(ref _latest, broadcast);
        Send(broadcast);
    }

    /// <summary>Sends the newest publication again if nothing newer went out for a while (called by the pace timer).</summary>
    public void Repeat()
    {
        if (Volatile.Read(ref _latest) is { } latest && _clock.GetElapsedTime(Interlocked.Read(ref _publishedAt)) >= RepeatInterval)
            Send(latest);
    }

    private void Send(PolicyBroadcast broadcast)
    {
        Interlocked.Exchange(ref _publishedAt, _clock.GetTimestamp());
        DistributedPubSub.Get(system).Mediator.Tell(new Publish(Topics.Policy, broadcast));
    }
}
