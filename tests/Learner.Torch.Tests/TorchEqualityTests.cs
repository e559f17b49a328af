using SoftQDistributed.Learner;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Torch.Tests;

/// <summary>The torch backend against ours on identical parameters, batches and random draws.</summary>
public sealed class TorchEqualityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double OneStep = 1e-4;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void One_update_gives_the_same_losses_and_gradients(int threads)
    {
        using var pair = new BackendPair(threads);
        var rng = new Rng(3);
        for (int step = 0; step < 3; step++)
        {
            TransitionBatch batch = BackendPair.RandomBatch(rng);
            UpdateResult managed = pair.Managed.Update(batch), torch = pair.Torch.Update(batch);

            Assert.False(managed.Skipped);
            Assert.False(torch.Skipped);
            Assert.Equal(pair.Managed.ValueActions, pair.Torch.ValueActions);
            Assert.Equal(pair.Managed.FixedNoise, pair.Torch.FixedNoise);
            AssertRelative(managed.QLoss, torch.QLoss, "Q loss");
            AssertRelative(managed.PolicySurrogate, torch.PolicySurrogate, "SVGD surrogate");
            AssertRelative(managed.QMean, torch.QMean, "mean Q");
            double q = BackendPair.RelativeError(pair.Torch.LastQGradient, pair.Managed.LastQGradient);
            double policy = BackendPair.RelativeError(pair.Torch.LastPolicyGradient, pair.Managed.LastPolicyGradient);
            output.WriteLine($"step {step}: gradients apart by {q:E2} (Q), {policy:E2} (policy); Q loss {managed.QLoss} vs {torch.QLoss}");
            Assert.True(q <= OneStep, $"step {step}: dJ_Q/dθ differs by {q:E2} (relative, whole vector)");
            Assert.True(policy <= OneStep, $"step {step}: policy gradient differs by {policy:E2} (relative, whole vector)");
        }
    }

    [Fact]
    public void A_non_finite_batch_is_skipped_by_both_and_changes_nothing()
    {
        using var pair = new BackendPair();
        TransitionBatch batch = BackendPair.RandomBatch(new Rng(4));
        batch.Rewards[3] = float.NaN;
        float[] before = (float[])pair.TorchNets.Q.Parameters.Clone();

        Assert.True(pair.Managed.Update(batch).Skipped);
        Assert.True(pair.Torch.Update(batch).Skipped);
        Assert.Equal(before, pair.TorchNets.Q.Parameters);
        Assert.Equal(1, pair.Torch.SkippedUpdates);
    }

    private static void AssertRelative(float expected, float actual, string what)
    {
        double error = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-6);
        Assert.True(error <= OneStep, $"{what}: managed {expected}, torch {actual} ({error:E2} relative)");
    }
}
