using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Actors.Tests.Unit;

public sealed class PaceGateTests
{
    private static Pace PaceWith(params (string Instance, long Budget)[] budgets) =>
        new() { LearnerInstance = "l", Budgets = budgets.ToDictionary(b => b.Instance, b => b.Budget) };

    [Fact]
    public void Before_any_budget_the_node_does_not_step_and_a_stop_ends_the_wait()
    {
        var gate = new PaceGate();
        int sealedBeforeWaiting = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.False(gate.WaitForRoom(0, () => sealedBeforeWaiting++, stop.Token));
        Assert.Equal(1, sealedBeforeWaiting);
        Assert.True(gate.WaitTime >= TimeSpan.FromMilliseconds(50), $"{gate.WaitTime}");
        Assert.Null(gate.Last);
    }

    [Fact]
    public void Only_this_instances_entry_counts()
    {
        var gate = new PaceGate();
        gate.Update(PaceWith(("another-node", 1_000)));
        Assert.NotNull(gate.Last);
        Assert.Equal(0, gate.Budget);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.False(gate.WaitForRoom(0, () => { }, stop.Token));

        gate.Update(PaceWith(("another-node", 1_000), (gate.NodeInstance, 40)));
        Assert.Equal(40, gate.Budget);
        int waits = 0;
        Assert.True(gate.WaitForRoom(39, () => waits++, CancellationToken.None)); // room: no wait, nothing sealed
        Assert.Equal(0, waits);
        Assert.NotEqual(new PaceGate().NodeInstance, gate.NodeInstance); // a new instance for every process start
    }

    [Fact]
    public async Task Waits_at_the_budget_until_a_pace_grants_more()
    {
        var gate = new PaceGate();
        gate.Update(PaceWith((gate.NodeInstance, 100)));
        int waits = 0;
        Task<bool> waiting = Task.Run(() => gate.WaitForRoom(100, () => Interlocked.Increment(ref waits), CancellationToken.None));
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        // Budgets are absolute: the same pace again (from an older report) grants nothing more.
        gate.Update(PaceWith((gate.NodeInstance, 100)));
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        gate.Update(PaceWith((gate.NodeInstance, 164)));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, waits);
        Assert.True(gate.WaitTime > TimeSpan.Zero);
    }

    [Fact]
    public void A_lower_budget_from_a_later_pace_is_taken_as_it_is()
    {
        var gate = new PaceGate();
        gate.Update(PaceWith((gate.NodeInstance, 500)));
        gate.Update(PaceWith((gate.NodeInstance, 200)));
        Assert.Equal(200, gate.Budget);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.False(gate.WaitForRoom(300, () => { }, stop.Token));
    }
}
