using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Learner.Service;

/// <summary>Subscribes the learner to the actor-reports topic and adds each report to <see cref="ActorReports"/>.</summary>
public sealed class ActorReportSubscriber : ReceiveActor
{
    public ActorReportSubscriber(ActorReports reports, PolicyPublisher publisher)
    {
        Receive<ActorReport>(r => reports.Add(r, publisher.Version));
        Receive<SubscribeAck>(_ => { });
    }

    public static Props Props(ActorReports reports, PolicyPublisher publisher) => Akka.Actor.Props.Create(() => new ActorReportSubscriber(reports, publisher));

    protected override void PreStart() => DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Topics.ActorReports, Self));
}
