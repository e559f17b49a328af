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
    public void Mismatched_lengths_are_refused_without_a_step()
    {
        var adam = new Adam(3, 1e-3f);
        Assert.Throws<ArgumentException>(() => adam.Apply(new float[3], new float[2]));
        Assert.Equal(0, adam.Step);
    }
}
