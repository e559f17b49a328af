using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Actors.Cluster;

/// <summary>Subscribes this node to the learner's policy and pace topics and hands what arrives to the rollout's side.</summary>
public sealed class LearnerSubscriber : ReceiveActor
{
    public LearnerSubscriber(ParameterSubscriber parameters, PaceGate pace)
    {
        Receive<PolicyParameters>(p => parameters.Offer(p));
        Receive<PolicyBroadcast>(b => parameters.Offer(b.Parameters)); // published in this process (tests)
        Receive<Pace>(pace.Update);
        Receive<SubscribeAck>(_ => { });
    }

    public static Props Props(ParameterSubscriber parameters, PaceGate pace) =>
        Akka.Actor.Props.Create(() => new LearnerSubscriber(parameters, pace));

    protected override void PreStart()
    {
        IActorRef mediator = DistributedPubSub.Get(Context.System).Mediator;
        mediator.Tell(new Subscribe(Topics.Policy, Self));
        mediator.Tell(new Subscribe(Topics.Pace, Self));
    }
}
