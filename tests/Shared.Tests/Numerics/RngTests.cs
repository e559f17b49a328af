using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Tests.Numerics;

public sealed class RngTests
{
    [Fact]
    public void Same_seed_same_stream_and_saved_state_resumes_it()
    {
        var a = new Rng(7);
        var b = new Rng(7);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        a.NextGaussian(); // leaves a spare normal cached
        RngState saved = a.State;
        double[] expected = [a.NextGaussian(), a.NextGaussian(), a.NextDouble()];
        var restored = new Rng(0) { State = saved };
        Assert.Equal(expected, new[] { restored.NextGaussian(), restored.NextGaussian(), restored.NextDouble() });
    }

    [Fact]
    public void Integers_cover_their_range_and_gaussians_have_unit_variance()
    {
        var rng = new Rng(11);
        int[] counts = new int[5];
        for (int i = 0; i < 5000; i++) counts[rng.NextInt(5)]++;
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
        double sum = 0, squares = 0;
        const int n = 20000;
        for (int i = 0; i < n; i++)
        {
            double g = rng.NextGaussian();
            sum += g;
            squares += g * g;
        }
        Assert.InRange(sum / n, -0.05, 0.05);
        Assert.InRange(squares / n, 0.95, 1.05);
    }
}
