using SoftQDistributed.Learner.Composition;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Tests.Reference;

namespace SoftQDistributed.Tests.Composition;

/// <summary>
/// The composed Q of <see cref="SummedQNetwork"/> against the sum of the networks it was built from, each evaluated on
/// its own by the float64 reference MLP: its values, and its gradient w.r.t. the action against central differences
/// of that sum, on random networks (random weights and biases).
/// </summary>
public sealed class SummedQNetworkTests
{
    private const int Obs = 3, Act = 2, States = 4, Particles = 3;

    public static TheoryData<int[][]> HiddenLayers => new()
    {
        new[] { new[] { 6, 5 }, [6, 5] },
        new[] { new[] { 6, 5 }, [3, 7], [4, 4] },
        new[] { new[] { 5 }, [2] },
    };

    [Theory]
    [MemberData(nameof(HiddenLayers))]
    public void The_composed_Q_and_its_action_gradient_equal_the_sum_of_the_networks(int[][] hidden)
    {
        var rng = new Rng(17);
        Mlp[] networks = [.. hidden.Select(h => RandomQ(h, rng))];
        double[] obs = Gaussian(rng, States * Obs), actions = Uniform(rng, States * Particles * Act);

        Mlp sum = SummedQNetwork.Build(networks);
        Assert.Equal(hidden.Select(h => h.Length).First(), sum.Shape.Hidden.Count);
        Assert.Equal(Enumerable.Range(0, hidden[0].Length).Select(layer => hidden.Sum(h => h[layer])), sum.Shape.Hidden);

        var workspace = new MlpWorkspace(sum.Shape, States * Particles, States);
        var gemm = new ManagedGemm();
        float[] q = workspace.Forward(gemm, sum, Floats(obs), Floats(actions), States, Particles).ToArray();
        ReferenceMlp.AssertClose(SumOfReferences(networks, obs, actions), q, 1e-5, 1e-5, "Q_sum(s, a)");

        // d/da of Σ_rows Q(s, a): each row's action gradient, as the SVGD score takes it.
        float[] actionGradient = new float[States * Particles * Act];
        workspace.Backward(gemm, sum, Enumerable.Repeat(1f, States * Particles).ToArray(), default, actionGradient);
        double[] expected = new double[actions.Length];
        for (int i = 0; i < actions.Length; i++)
            expected[i] = ReferenceMlp.CentralDifference(a => SumOfReferences(networks, obs, a).Sum(), actions, i);
        ReferenceMlp.AssertClose(expected, actionGradient, 1e-4, 1e-5, "∇_a Q_sum(s, a)");
    }

    [Fact]
    public void Networks_that_cannot_be_summed_are_refused()
    {
        var rng = new Rng(3);
        Assert.Throws<ArgumentException>(() => SummedQNetwork.Build([RandomQ([6, 5], rng), RandomQ([6], rng)]));
        var otherInputs = new Mlp(new MlpShape(Obs + 1, Act, [6, 5], 1, TanhOutput: false));
        Assert.Throws<ArgumentException>(() => SummedQNetwork.Build([RandomQ([6, 5], rng), otherInputs]));
    }

    private static double[] SumOfReferences(Mlp[] networks, double[] obs, double[] actions)
    {
        double[] total = new double[States * Particles];
        foreach (Mlp net in networks)
        {
            double[] q = ReferenceMlp.Forward(net, ReferenceMlp.ToDouble(net.Parameters), obs, actions, States, Particles);
            for (int i = 0; i < total.Length; i++) total[i] += q[i];
        }
        return total;
    }

    /// <summary>A Q network with every parameter random, biases included, so that a misplaced block or bias shows.</summary>
    private static Mlp RandomQ(int[] hidden, Rng rng)
    {
        var net = new Mlp(new MlpShape(Obs, Act, hidden, 1, TanhOutput: false));
        rng.FillGaussian(net.Parameters);
        for (int i = 0; i < net.ParameterCount; i++) net.Parameters[i] *= 0.6f;
        return net;
    }

    private static double[] Gaussian(Rng rng, int count) => [.. Enumerable.Range(0, count).Select(_ => (double)(float)rng.NextGaussian())];

    private static double[] Uniform(Rng rng, int count) => [.. Enumerable.Range(0, count).Select(_ => (double)rng.NextFloat(-1f, 1f))];

    private static float[] Floats(double[] values) => [.. values.Select(v => (float)v)];
}
