using Microsoft.Extensions.Logging.Abstractions;
using SoftQDistributed.Actors.Tests.Integration;
using SoftQDistributed.Shared.LearnerApi;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Actors.Tests.Unit;

public sealed class ParameterSubscriberTests
{
    private static readonly ActorNodeSettings Settings = new() { Learner = "http://127.0.0.1:1", Replay = "http://127.0.0.1:2", Env = "multigoal" };

    private static ParameterSubscriber NewSubscriber() =>
        new(new LearnerClient(new Uri(Settings.Learner)), Settings, NullLogger<ParameterSubscriber>.Instance);

    private static PolicyParameters Message(ulong version, string instance = "a", string env = "multigoal", MlpShape? shape = null) =>
        PolicyParametersCodec.Encode(new Mlp(shape ?? LearnerDouble.Shape), version, instance, version, env);

    [Fact]
    public void Takes_newer_versions_and_ignores_older_ones_from_the_same_learner()
    {
        ParameterSubscriber subscriber = NewSubscriber();
        Assert.True(subscriber.Offer(Message(2)));
        Assert.False(subscriber.Offer(Message(1)));
        Assert.False(subscriber.Offer(Message(2)));
        Assert.Equal(2UL, subscriber.Latest!.Version);
        Assert.True(subscriber.Offer(Message(3)));
        Assert.Equal(3UL, subscriber.Latest!.Version);
        Assert.True(subscriber.FirstAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public void Always_takes_a_new_learner_instance_even_with_a_lower_version()
    {
        ParameterSubscriber subscriber = NewSubscriber();
        subscriber.Offer(Message(40, "before-restart"));
        Assert.True(subscriber.Offer(Message(1, "after-restart")));
        Assert.Equal("after-restart", subscriber.Latest!.LearnerInstance);
    }

    [Fact]
    public void Refuses_parameters_for_another_environment_or_another_shape_and_keeps_the_old_ones()
    {
        ParameterSubscriber subscriber = NewSubscriber();
        Assert.False(subscriber.Offer(Message(1, env: "pendulum", shape: new MlpShape(3, 1, [16, 16], 1, true))));
        Assert.Null(subscriber.Latest);
        Assert.True(subscriber.Offer(Message(1)));
        Assert.False(subscriber.Offer(Message(2, shape: new MlpShape(2, 2, [32, 32], 2, true))));
        Assert.False(subscriber.Offer(Message(3, env: "pendulum")));
        Assert.Equal(1UL, subscriber.Latest!.Version);
        Assert.Equal(3, subscriber.Refused);
    }
}
