using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.TestKit;
using SoftQDistributed.Learner.Service;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Tests.Cluster;

namespace SoftQDistributed.Tests.Service;

/// <summary>The publisher on a one-member cluster, with a subscriber to the policy topic on the same member.</summary>
public sealed class PolicyPublisherTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config OneMember = ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.loglevel = WARNING
        akka.test.single-expect-default = 15s # a loaded two-core CI machine can take seconds to start the extensions
        """);

    public PolicyPublisherTests() : base(OneMember, "learner")
    {
    }

    private async Task<TestProbe> SubscribedAsync()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress);
        TestProbe subscriber = CreateTestProbe();
        DistributedPubSub.Get(Sys).Mediator.Tell(new Subscribe(Topics.Policy, subscriber.Ref), subscriber.Ref);
        subscriber.ExpectMsg<SubscribeAck>();
        return subscriber;
    }

    [Fact]
    public async Task Publishes_each_version_encoded_once_and_repeats_the_newest_only_after_a_quiet_interval()
    {
        TestProbe subscriber = await SubscribedAsync();
        var clock = new ManualClock();
        var publisher = new PolicyPublisher(Sys, clock);
        Assert.Equal(0UL, publisher.Version);
        publisher.Repeat(); // nothing published yet: nothing to repeat
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        PolicyParameters first = Samples.Policy(version: 1);
        publisher.Publish(first);
        var broadcast = subscriber.ExpectMsg<PolicyBroadcast>();
        Assert.Same(first, broadcast.Parameters);
        Assert.Equal(ClusterMessageSerializer.Encode(first), broadcast.Encoded);
        Assert.Equal(1UL, publisher.Version);

        clock.Advance(PolicyPublisher.RepeatInterval - TimeSpan.FromMilliseconds(1));
        publisher.Repeat(); // not quiet long enough yet
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        publisher.Repeat();
        Assert.Same(broadcast, subscriber.ExpectMsg<PolicyBroadcast>()); // the same bytes again, for nodes that joined late

        publisher.Publish(Samples.Policy(version: 2));
        Assert.Equal(2UL, subscriber.ExpectMsg<PolicyBroadcast>().Parameters.Version);
        Assert.Equal(2UL, publisher.Version);
    }
}

/// <summary>A clock that moves only when the test says.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
