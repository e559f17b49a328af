using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SoftQDistributed.Learner;

/// <summary>
/// The amortized SVGD direction for one state, as the reference computes it. With fixed particles x_i,
/// their score g_i = ∇ log p(x_i), and updated particles y_j:
/// k_ij = exp(−‖x_i − y_j‖² / h), h = max(median_ij ‖x_i − y_j‖² / log(n_fixed), h_min),
/// φ_j = mean_i [ k_ij g_i + ∇_{x_i} k_ij ] with ∇_{x_i} k_ij = −2 (x_i − y_j) / h · k_ij.
/// </summary>
public static class SvgdDirection
{
    /// <param name="scratch">At least 2 · n_fixed · n_updated floats.</param>
    /// <returns>The bandwidth h used.</returns>
    public static float Compute(
        ReadOnlySpan<float> fixedParticles, ReadOnlySpan<float> scores, ReadOnlySpan<float> updatedParticles,
        int nFixed, int nUpdated, int dim, float minBandwidth, Span<float> direction, Span<float> scratch)
    {
        int pairs = nFixed * nUpdated;
        if (scratch.Length < 2 * pairs) throw new ArgumentException($"SVGD scratch needs {2 * pairs} floats, got {scratch.Length}");
        Span<float> distances = scratch[..pairs];
        for (int i = 0; i < nFixed; i++)
        {
            ReadOnlySpan<float> x = fixedParticles.Slice(i * dim, dim);
            for (int j = 0; j < nUpdated; j++)
            {
                ReadOnlySpan<float> y = updatedParticles.Slice(j * dim, dim);
                float d2 = 0f;
                for (int d = 0; d < dim; d++)
                {
                    float diff = x[d] - y[d];
                    d2 += diff * diff;
                }
                distances[i * nUpdated + j] = d2;
            }
        }
        float h = Bandwidth(distances, nFixed, minBandwidth, scratch.Slice(pairs, pairs));

        Span<float> phi = direction[..(nUpdated * dim)];
        phi.Clear();
        float inverseH = 1f / h;
        for (int i = 0; i < nFixed; i++)
        {
            ReadOnlySpan<float> x = fixedParticles.Slice(i * dim, dim);
            ReadOnlySpan<float> g = scores.Slice(i * dim, dim);
            for (int j = 0; j < nUpdated; j++)
            {
                float k = MathF.Exp(-distances[i * nUpdated + j] * inverseH);
                ReadOnlySpan<float> y = updatedParticles.Slice(j * dim, dim);
                Span<float> phiJ = phi.Slice(j * dim, dim);
                for (int d = 0; d < dim; d++)
                    phiJ[d] += k * g[d] - 2f * (x[d] - y[d]) * inverseH * k;
            }
        }
        float inverseN = 1f / nFixed;
        foreach (ref float v in phi) v *= inverseN;
        return h;
    }

    /// <summary>
    /// The median heuristic as the reference computes it: the (n/2 + 1)-th largest of the n squared distances
    /// (for even n the lower median), divided by log(n_fixed), then floored at <paramref name="minBandwidth"/>.
    /// </summary>
    public static float Bandwidth(ReadOnlySpan<float> squaredDistances, int nFixed, float minBandwidth, Span<float> sortScratch = default)
    {
        int n = squaredDistances.Length;
        Span<float> values = sortScratch.Length >= n ? sortScratch[..n] : new float[n];
        squaredDistances.CopyTo(values);
        float median = Select(values, n - (n / 2 + 1));
        return MathF.Max(median / MathF.Log(nFixed), minBandwidth);
    }

    /// <summary>
    /// The value a sort would put at <paramref name="index"/>; <paramref name="values"/> is overwritten. Each float
    /// becomes an unsigned code in the same order (the sign bit set on a positive, every bit flipped on a negative),
    /// then a binary search finds the smallest code with more than <paramref name="index"/> values at or below it: 32
    /// counting passes, vectorized and free of branches on the data, where a quickselect over a state's few hundred
    /// distances mispredicted its way through (7% of the learner's CPU at MultiGoal's shapes). The order statistic is
    /// exact, so this is the sorted median, without sorting all n_fixed · n_updated distances of every state.
    /// </summary>
    internal static float Select(Span<float> values, int index)
    {
        Span<uint> codes = MemoryMarshal.Cast<float, uint>(values);
        for (int i = 0; i < codes.Length; i++) codes[i] ^= (uint)((int)codes[i] >> 31) | 0x8000_0000u;
        uint lo = 0, hi = uint.MaxValue;
        while (lo < hi)
        {
            uint mid = lo + (hi - lo) / 2;
            if (CountAtMost(codes, mid) > index) hi = mid;
            else lo = mid + 1;
        }
        return BitConverter.UInt32BitsToSingle((lo & 0x8000_0000u) != 0 ? lo ^ 0x8000_0000u : ~lo);
    }

    private static int CountAtMost(ReadOnlySpan<uint> codes, uint limit)
    {
        int count = 0, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var bound = Vector512.Create(limit);
            for (; i + 16 <= codes.Length; i += 16)
                count += BitOperations.PopCount(Vector512.LessThanOrEqual(Vector512.Create(codes.Slice(i, 16)), bound).ExtractMostSignificantBits());
        }
        var bound256 = Vector256.Create(limit);
        for (; i + 8 <= codes.Length; i += 8)
            count += BitOperations.PopCount(Vector256.LessThanOrEqual(Vector256.Create(codes.Slice(i, 8)), bound256).ExtractMostSignificantBits());
        for (; i < codes.Length; i++)
            if (codes[i] <= limit) count++;
        return count;
    }

    /// <summary>
    /// Adds the tanh squash correction's gradient to the score: ∂/∂a Σ_d log(1 − a_d² + 1e−6) = −2a / (1 − a² + 1e−6).
    /// As in the reference, this pre-tanh density correction is differentiated w.r.t. the post-tanh action.
    /// </summary>
    public static void AddSquashCorrectionGradient(ReadOnlySpan<float> actions, Span<float> scores)
    {
        for (int i = 0; i < actions.Length; i++)
        {
            float a = actions[i];
            scores[i] += -2f * a / (1f - a * a + 1e-6f);
        }
    }
}
