using SoftQDistributed.Learner;
using SoftQDistributed.Shared.Acting;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Tests.Training;

public sealed class ActorWorkerTests
{
    [Fact]
    public void Time_limit_truncation_is_not_stored_as_terminal()
    {
        var nets = new SoftQNetworks(3, 1, [8], new Rng(1));
        var actor = new ActorWorker("pendulum", 2, nets.Policy.Shape, seed: 4);
        actor.SyncPolicy(nets.Policy);
        var gemm = new ManagedGemm();
        for (int step = 1; step <= 200; step++)
        {
            actor.Step(gemm);
            Assert.Equal(new[] { 0f, 0f }, actor.Transitions.Terminals);
        }
        var finished = new List<(float Return, int Length)>();
        actor.TakeFinished(finished);
        Assert.Equal(2, finished.Count);
        Assert.All(finished, episode => Assert.Equal(200, episode.Length));
    }

    [Fact]
    public void Transitions_chain_observations_within_an_episode()
    {
        var nets = new SoftQNetworks(2, 2, [8], new Rng(1));
        var actor = new ActorWorker("multigoal", 1, nets.Policy.Shape, seed: 2);
        actor.SyncPolicy(nets.Policy);
        var gemm = new ManagedGemm();
        actor.Step(gemm);
        float[] reached = actor.Transitions.NextObservations[..2];
        actor.Step(gemm);
        Assert.Equal(reached, actor.Transitions.Observations[..2]);
        Assert.All(actor.Transitions.Actions, a => Assert.InRange(a, -1f, 1f));
    }
}
