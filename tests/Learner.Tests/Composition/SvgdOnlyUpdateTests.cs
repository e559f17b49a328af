using SoftQDistributed.Learner.Composition;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Tests.Composition;

/// <summary>The SVGD-only step moves the sampling network towards where a fixed Q is high and never changes Q.</summary>
public sealed class SvgdOnlyUpdateTests
{
    [Fact]
    public void The_sampler_moves_towards_high_Q_and_Q_stays_as_it_was()
    {
        // Q(s, a) = 5 (a_x + 2) as a one-unit ReLU network (a_x + 2 > 0 on the action square): the target density
        // exp(5 a_x)(1 − a²) has its mass at positive a_x and is symmetric in a_y.
        var q = new Mlp(new MlpShape(1, 2, [1], 1, TanhOutput: false));
        q.Parameters[q.WeightOffset(0) + 1] = 1f; // rows: obs, a_x, a_y
        q.Parameters[q.BiasOffset(0)] = 2f;
        q.Parameters[q.WeightOffset(1)] = 5f;
        float[] frozen = [.. q.Parameters];
        var policy = new Mlp(new MlpShape(1, 2, [16, 16], 2, TanhOutput: true));
        policy.InitializeXavier(new Rng(1));
        var settings = new SoftQSettings { SvgdParticles = 8, PolicyLearningRate = 3e-3f };
        var gemm = new ManagedGemm();
        var update = new SvgdOnlyUpdate(q, policy, settings, gemm, new Rng(2), maxBatchSize: 8);
        var rng = new Rng(3);
        float[] states = new float[8];
        (double startX, _) = MeanAction(policy, gemm);

        for (int i = 0; i < 300; i++)
        {
            rng.FillGaussian(states);
            update.Update(states, 8);
        }

        (double meanX, double meanY) = MeanAction(policy, gemm);
        Assert.InRange(startX, -0.3, 0.3);
        Assert.True(meanX > 0.4, $"mean a_x went from {startX:F3} to {meanX:F3}");
        Assert.InRange(meanY, -0.25, 0.25);
        Assert.Equal(frozen, q.Parameters);
        Assert.Equal((300L, 0L), (update.Updates, update.SkippedUpdates));
    }

    private static (double X, double Y) MeanAction(Mlp policy, IGemm gemm)
    {
        const int Samples = 400;
        var rng = new Rng(9);
        float[] noise = new float[Samples * 2];
        rng.FillGaussian(noise);
        float[] actions = new MlpWorkspace(policy.Shape, Samples, 1).Forward(gemm, policy, new float[] { 0.5f }, noise, 1, Samples).ToArray();
        return (Enumerable.Range(0, Samples).Average(i => actions[2 * i]), Enumerable.Range(0, Samples).Average(i => actions[2 * i + 1]));
    }
}
