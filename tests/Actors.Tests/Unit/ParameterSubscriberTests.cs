using Microsoft.Extensions.Logging.Abstractions;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Tests.Cluster;

namespace SoftQDistributed.Actors.Tests.Unit;

public sealed class ParameterSubscriberTests
{
    private static ParameterSubscriber NewSubscriber() => new(new ActorNodeSettings { Env = "multigoal" }, NullLogger<ParameterSubscriber>.Instance);

    private static PolicyParameters Message(ulong version, string instance = "a", string env = "multigoal", MlpShape? shape = null) =>
        Samples.Policy(version, instance, env, shape);

    [Fact]
    public async Task Takes_newer_versions_and_ignores_older_ones_from_the_same_learner()
    {
        ParameterSubscriber subscriber = NewSubscriber();
        Task<PolicyParameters> first = subscriber.FirstAsync(CancellationToken.None);
        Assert.False(first.IsCompleted);
        Assert.True(subscriber.Offer(Message(2)));
        Assert.False(subscriber.Offer(Message(1)));
        Assert.False(subscriber.Offer(Message(2)));
        Assert.Equal(2UL, subscriber.Latest!.Version);
        Assert.True(subscriber.Offer(Message(3)));
        Assert.Equal(3UL, subscriber.Latest!.Version);
        Assert.True(first.IsCompletedSuccessfully);
        Assert.Equal(2UL, (await first).Version);
        Assert.Equal(2, subscriber.Received);
        Assert.Equal(0, subscriber.Refused); // an old version is skipped, not refused
    }

    [Fact]
    public void Always_takes_a_new_learner_instance_even_with_a_lower_version()
    {
        ParameterSubscriber subscriber = NewSubscriber();
        subscriber.Offer(Message(40, "before-restart"));
        Assert.True(subscriber.Offer(Message(1, "after-restart")));
        Assert.Equal("after-restart", subscriber.Latest!.LearnerInstance);
        Assert.Equal(1UL, subscriber.Latest!.Version);
    }

    [Fact]
    public void Refuses_parameters_for_another_environment_or_another_shape_and_keeps_the_old_ones()
    {
        ParameterSubscriber subscriber = NewSubscriber();
        Assert.False(subscriber.Offer(Message(1, env: "pendulum", shape: new MlpShape(3, 1, [16, 16], 1, true))));
        Assert.Null(subscriber.Latest);
        Assert.True(subscriber.Offer(Message(1)));
        Assert.False(subscriber.Offer(Message(2, shape: new MlpShape(2, 2, [32, 32], 2, true))));  // another hidden shape than the first
        Assert.False(subscriber.Offer(Message(3, env: "pendulum")));
        Assert.False(subscriber.Offer(Message(4, shape: new MlpShape(3, 2, [8, 8], 2, true)))); // does not fit MultiGoal's observation
        Assert.Equal(1UL, subscriber.Latest!.Version);
        Assert.Equal(4, subscriber.Refused);
    }

    [Fact]
    public async Task FirstAsync_ends_when_stopped_before_any_parameters()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NewSubscriber().FirstAsync(stop.Token));
    }
}
