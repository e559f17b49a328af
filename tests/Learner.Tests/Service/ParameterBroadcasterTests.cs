using SoftQDistributed.Learner.Service;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Tests.Service;

public sealed class ParameterBroadcasterTests
{
    private static PolicyParameters Version(ulong version) => new() { Version = version, LearnerInstance = "a" };

    [Fact]
    public async Task A_subscriber_gets_the_newest_at_once_then_skips_to_the_latest_when_behind()
    {
        var broadcaster = new ParameterBroadcaster();
        broadcaster.Publish(Version(1));
        broadcaster.Publish(Version(2));
        broadcaster.Publish(Version(3));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using IAsyncEnumerator<PolicyParameters> subscription = broadcaster.SubscribeAsync(timeout.Token).GetAsyncEnumerator();

        Assert.True(await subscription.MoveNextAsync());
        Assert.Equal(3UL, subscription.Current.Version);
        Assert.Equal(1, broadcaster.Subscribers);

        // Published while the subscriber was busy: only the latest is delivered.
        broadcaster.Publish(Version(4));
        broadcaster.Publish(Version(5));
        Assert.True(await subscription.MoveNextAsync());
        Assert.Equal(5UL, subscription.Current.Version);

        ValueTask<bool> waiting = subscription.MoveNextAsync();
        Assert.False(waiting.IsCompleted);
        broadcaster.Publish(Version(6));
        Assert.True(await waiting);
        Assert.Equal(6UL, subscription.Current.Version);
    }

    [Fact]
    public async Task Complete_ends_every_subscription_and_older_versions_are_refused()
    {
        var broadcaster = new ParameterBroadcaster();
        broadcaster.Publish(Version(1));
        Assert.Throws<ArgumentException>(() => broadcaster.Publish(Version(1)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<ulong>();
        Task reading = Task.Run(async () =>
        {
            await foreach (PolicyParameters p in broadcaster.SubscribeAsync(timeout.Token)) received.Add(p.Version);
        });
        while (broadcaster.Subscribers == 0) await Task.Delay(10, timeout.Token);
        broadcaster.Complete();
        await reading.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1UL], received);
        Assert.Equal(0, broadcaster.Subscribers);
    }
}
