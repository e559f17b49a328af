using SoftQDistributed.Learner;

namespace SoftQDistributed.Tests;

public sealed class SoftValueTests
{
    [Theory]
    [InlineData(1, 2.5f)]
    [InlineData(6, -40f)]
    [InlineData(17, 1000f)]
    public void Soft_value_of_a_constant_Q_is_that_constant_plus_d_log_2(int actionDim, float constant)
    {
        float[] q = Enumerable.Repeat(constant, 16).ToArray();
        Assert.Equal(constant + actionDim * MathF.Log(2f), SoftValue.Estimate(q, actionDim), 1e-3f);
    }

    [Fact]
    public void Soft_value_is_a_stable_logsumexp()
    {
        float[] q = [1000f, 0f, -1000f, 999f];
        double expected = 1000 + Math.Log(1 + Math.Exp(-1000) + Math.Exp(-2000) + Math.Exp(-1)) - Math.Log(4) + 2 * Math.Log(2);
        Assert.Equal(expected, SoftValue.Estimate(q, 2), 1e-3);
        Assert.True(float.IsNaN(SoftValue.Estimate([1f, float.NaN], 2)));
    }
}
