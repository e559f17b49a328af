using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// Publishes the sampling network to every actor node on the policy topic, encoded once per publication (see
/// <see cref="PolicyBroadcast"/>). Pub-sub reaches only the nodes subscribed at that moment, so the newest
/// publication is sent again every <see cref="RepeatInterval"/> while no newer one goes out: a node that joins
/// while the learner waits (for data, or done) still gets parameters.
/// </summary>
public sealed class PolicyPublisher(ActorSystem system)
{
    public static readonly TimeSpan RepeatInterval = TimeSpan.FromSeconds(1);

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
        if (Volatile.Read(ref _latest) is { } latest && Environment.TickCount64 - Interlocked.Read(ref _publishedAt) >= RepeatInterval.TotalMilliseconds)
            Send(latest);
    }

    private void Send(PolicyBroadcast broadcast)
    {
        Interlocked.Exchange(ref _publishedAt, Environment.TickCount64);
        DistributedPubSub.Get(system).Mediator.Tell(new Publish(Topics.Policy, broadcast));
    }
}
