using SoftQDistributed.Learner;
using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Tests;

public sealed class SvgdDirectionTests
{
    [Theory]
    [InlineData(8, 8, 2)]
    [InlineData(16, 16, 6)]
    [InlineData(3, 2, 1)]
    public void Direction_matches_an_explicit_double_loop(int nFixed, int nUpdated, int dim)
    {
        var rng = new Rng((ulong)(nFixed * 100 + dim));
        float[] x = Random(rng, nFixed * dim), g = Random(rng, nFixed * dim), y = Random(rng, nUpdated * dim);
        float[] phi = new float[nUpdated * dim];
        float h = SvgdDirection.Compute(x, g, y, nFixed, nUpdated, dim, 1e-3f, phi, new float[SvgdDirection.ScratchLength(nFixed, nUpdated, dim)]);

        // The reference: median = (n/2 + 1)-th largest squared distance, h = max(median / log(n_fixed), 1e-3).
        var squared = new List<double>();
        for (int i = 0; i < nFixed; i++)
            for (int j = 0; j < nUpdated; j++)
                squared.Add(SquaredDistance(x, i, y, j, dim));
        List<double> descending = squared.OrderByDescending(v => v).ToList();
        double expectedH = Math.Max(descending[squared.Count / 2] / Math.Log(nFixed), 1e-3);
        Assert.Equal(expectedH, h, 1e-5);

        for (int j = 0; j < nUpdated; j++)
        {
            for (int d = 0; d < dim; d++)
            {
                double sum = 0;
                for (int i = 0; i < nFixed; i++)
                {
                    double k = Math.Exp(-SquaredDistance(x, i, y, j, dim) / expectedH);
                    sum += k * g[i * dim + d] - 2 * (x[i * dim + d] - y[j * dim + d]) / expectedH * k;
                }
                Assert.Equal(sum / nFixed, phi[j * dim + d], 1e-4);
            }
        }
    }

    [Theory]
    [InlineData(16, 16, 2)]
    [InlineData(16, 16, 6)]
    [InlineData(5, 19, 3)]
    [InlineData(3, 2, 1)]
    [InlineData(8, 8, 17)]
    public void Direction_has_the_bits_of_the_plain_float_loop_over_fixed_updated_and_dimension(int nFixed, int nUpdated, int dim)
    {
        var rng = new Rng((ulong)(nFixed * 1000 + nUpdated * 10 + dim));
        float[] x = Random(rng, nFixed * dim), g = Random(rng, nFixed * dim), y = Random(rng, nUpdated * dim);
        float[] phi = new float[nUpdated * dim];
        float h = SvgdDirection.Compute(x, g, y, nFixed, nUpdated, dim, 1e-3f, phi, new float[SvgdDirection.ScratchLength(nFixed, nUpdated, dim)]);

        // The loop the vectorized code replaced, in floats, in its order: the same terms summed the same way.
        float[] expected = new float[nUpdated * dim];
        float inverseH = 1f / h;
        for (int i = 0; i < nFixed; i++)
            for (int j = 0; j < nUpdated; j++)
            {
                float d2 = 0f;
                for (int d = 0; d < dim; d++)
                {
                    float diff = x[i * dim + d] - y[j * dim + d];
                    d2 += diff * diff;
                }
                float k = MathF.Exp(-d2 * inverseH);
                for (int d = 0; d < dim; d++)
                    expected[j * dim + d] += k * g[i * dim + d] - 2f * (x[i * dim + d] - y[j * dim + d]) * inverseH * k;
            }
        for (int e = 0; e < expected.Length; e++) expected[e] *= 1f / nFixed;
        Assert.Equal(expected, phi);
    }

    [Fact]
    public void Kernel_gradient_term_matches_finite_differences_of_the_kernel()
    {
        const int nFixed = 4, nUpdated = 3, dim = 2;
        var rng = new Rng(9);
        float[] x = Random(rng, nFixed * dim), y = Random(rng, nUpdated * dim);
        float[] phi = new float[nUpdated * dim];
        // With zero scores, φ_j = mean_i ∇_{x_i} k(x_i, y_j) at the fixed bandwidth h.
        float h = SvgdDirection.Compute(x, new float[nFixed * dim], y, nFixed, nUpdated, dim, 1e-3f, phi, new float[SvgdDirection.ScratchLength(nFixed, nUpdated, dim)]);
        for (int j = 0; j < nUpdated; j++)
        {
            for (int d = 0; d < dim; d++)
            {
                double sum = 0;
                for (int i = 0; i < nFixed; i++)
                {
                    double Kernel(double shift)
                    {
                        double d2 = 0;
                        for (int e = 0; e < dim; e++)
                        {
                            double diff = x[i * dim + e] + (e == d ? shift : 0) - y[j * dim + e];
                            d2 += diff * diff;
                        }
                        return Math.Exp(-d2 / h);
                    }
                    sum += (Kernel(1e-6) - Kernel(-1e-6)) / 2e-6;
                }
                Assert.Equal(sum / nFixed, phi[j * dim + d], 1e-4);
            }
        }
    }

    [Fact]
    public void Bandwidth_is_floored_when_particles_collapse()
    {
        float[] distances = new float[16]; // all particles identical
        Assert.Equal(1e-3f, SvgdDirection.Bandwidth(distances, 4, 1e-3f));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(256, 0)]
    [InlineData(255, 40)]
    [InlineData(64, 3)]
    public void Select_gives_the_value_a_sort_puts_at_every_index(int n, int distinct)
    {
        var rng = new Rng((ulong)(n * 7 + distinct));
        float[] values = Random(rng, n);
        // A few distinct values (many ties) where asked: the median of collapsed particles' distances.
        if (distinct > 0) for (int i = 0; i < n; i++) values[i] = MathF.Floor((values[i] + 1f) * distinct / 2f);
        float[] sorted = (float[])values.Clone();
        Array.Sort(sorted);
        for (int index = 0; index < n; index++)
            Assert.Equal(sorted[index], SvgdDirection.Select((float[])values.Clone(), index));
    }

    [Fact]
    public void Squash_correction_gradient_is_the_derivative_of_log_one_minus_a_squared()
    {
        float[] a = [0.3f, -0.9f, 0f];
        float[] scores = [1f, 1f, 1f];
        SvgdDirection.AddSquashCorrectionGradient(a, scores);
        for (int i = 0; i < a.Length; i++)
        {
            double f(double v) => Math.Log(1 - v * v + 1e-6);
            Assert.Equal(1 + (f(a[i] + 1e-6) - f(a[i] - 1e-6)) / 2e-6, scores[i], 1e-3);
        }
    }

    private static double SquaredDistance(float[] x, int i, float[] y, int j, int dim)
    {
        double sum = 0;
        for (int d = 0; d < dim; d++)
        {
            double diff = (double)x[i * dim + d] - y[j * dim + d];
            sum += diff * diff;
        }
        return sum;
    }

    private static float[] Random(Rng rng, int length)
    {
        var values = new float[length];
        rng.FillUniform(values, -1f, 1f);
        return values;
    }
}
