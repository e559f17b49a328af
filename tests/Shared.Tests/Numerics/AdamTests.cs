using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Tests.Numerics;

public sealed class AdamTests
{
    [Fact]
    public void Two_steps_match_the_bias_corrected_update_computed_by_hand()
    {
        var adam = new Adam(2, learningRate: 0.1f, beta1: 0.9f, beta2: 0.999f, epsilon: 1e-8f);
        float[] theta = [1f, -2f];
        adam.Apply(theta, [0.5f, -4f]);
        // Step 1: m̂ = g and v̂ = g², so each parameter moves by lr·sign(g).
        Assert.Equal(0.9f, theta[0], 5);
        Assert.Equal(-1.9f, theta[1], 5);

        adam.Apply(theta, [1f, 2f]);
        double m0 = 0.9 * 0.05 + 0.1 * 1, v0 = 0.999 * 0.00025 + 0.001 * 1;
        double expected0 = 0.9 - 0.1 * (m0 / (1 - 0.81)) / (Math.Sqrt(v0 / (1 - 0.998001)) + 1e-8);
        Assert.Equal(expected0, theta[0], 5);
        Assert.Equal(2, adam.Step);
    }

    [Fact]
    public void The_vectorised_steps_give_the_bits_of_one_parameter_at_a_time()
    {
        var rng = new Rng(7);
        const int n = 37; // several vectors and a scalar tail
        var whole = new Adam(n, 3e-4f);
        var single = Enumerable.Range(0, n).Select(_ => new Adam(1, 3e-4f)).ToArray(); // one parameter: the scalar loop
        float[] theta = new float[n], gradient = new float[n];
        rng.FillGaussian(theta);
        float[] alone = (float[])theta.Clone();
        for (int step = 0; step < 5; step++)
        {
            rng.FillGaussian(gradient);
            whole.Apply(theta, gradient);
            for (int i = 0; i < n; i++) single[i].Apply(alone.AsSpan(i, 1), gradient.AsSpan(i, 1));
        }
        Assert.Equal(alone, theta);
        Assert.Equal(single.Select(a => a.SecondMoment[0]), whole.SecondMoment);
    }

    [Fact]
    public void Mismatched_lengths_are_refused_without_a_step()
    {
        var adam = new Adam(3, 1e-3f);
        Assert.Throws<ArgumentException>(() => adam.Apply(new float[3], new float[2]));
        Assert.Equal(0, adam.Step);
    }
}
