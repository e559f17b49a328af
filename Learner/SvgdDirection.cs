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
    /// <summary>Floats of scratch <see cref="Compute"/> needs.</summary>
    public static int ScratchLength(int nFixed, int nUpdated, int dim) => 2 * nFixed * nUpdated + nUpdated * (2 * dim + 1);

    /// <param name="scratch">At least <see cref="ScratchLength"/> floats.</param>
    /// <returns>The bandwidth h used.</returns>
    /// <remarks>
    /// The updated particles and φ are held dimension-major (one row of n_updated values per dimension), so each
    /// fixed particle's terms are added to all updated particles' sums a vector at a time: every sum takes the same
    /// terms in the same order as a loop over (i, j, d), so the result has the same bits. Only exp stays scalar.
    /// </remarks>
    public static float Compute(
        ReadOnlySpan<float> fixedParticles, ReadOnlySpan<float> scores, ReadOnlySpan<float> updatedParticles,
        int nFixed, int nUpdated, int dim, float minBandwidth, Span<float> direction, Span<float> scratch)
    {
        int pairs = nFixed * nUpdated;
        if (scratch.Length < ScratchLength(nFixed, nUpdated, dim))
            throw new ArgumentException($"SVGD scratch needs {ScratchLength(nFixed, nUpdated, dim)} floats, got {scratch.Length}");
        Span<float> distances = scratch[..pairs];
        Span<float> y = scratch.Slice(2 * pairs, dim * nUpdated);          // y[d * nUpdated + j]
        Span<float> phi = scratch.Slice(2 * pairs + dim * nUpdated, dim * nUpdated);
        Span<float> kernel = scratch.Slice(2 * pairs + 2 * dim * nUpdated, nUpdated);
        for (int j = 0; j < nUpdated; j++)
            for (int d = 0; d < dim; d++)
                y[d * nUpdated + j] = updatedParticles[j * dim + d];

        distances.Clear();
        for (int i = 0; i < nFixed; i++)
        {
            Span<float> row = distances.Slice(i * nUpdated, nUpdated);
            for (int d = 0; d < dim; d++) AddSquaredDifferences(fixedParticles[i * dim + d], y.Slice(d * nUpdated, nUpdated), row);
        }
        float h = Bandwidth(distances, nFixed, minBandwidth, scratch.Slice(pairs, pairs));

        phi.Clear();
        float inverseH = 1f / h;
        for (int i = 0; i < nFixed; i++)
        {
            ReadOnlySpan<float> row = distances.Slice(i * nUpdated, nUpdated);
            for (int j = 0; j < nUpdated; j++) kernel[j] = MathF.Exp(-row[j] * inverseH);
            for (int d = 0; d < dim; d++)
                AddKernelTerms(fixedParticles[i * dim + d], scores[i * dim + d], inverseH, kernel, y.Slice(d * nUpdated, nUpdated), phi.Slice(d * nUpdated, nUpdated));
        }
        float inverseN = 1f / nFixed;
        for (int j = 0; j < nUpdated; j++)
            for (int d = 0; d < dim; d++)
                direction[j * dim + d] = phi[d * nUpdated + j] * inverseN;
        return h;
    }

    /// <summary>sums[j] += (x − y[j])².</summary>
    private static void AddSquaredDifferences(float x, ReadOnlySpan<float> y, Span<float> sums)
    {
        int j = 0;
        var xv = new Vector<float>(x);
        for (; j + Vector<float>.Count <= y.Length; j += Vector<float>.Count)
        {
            Vector<float> diff = xv - new Vector<float>(y[j..]);
            (new Vector<float>(sums[j..]) + diff * diff).CopyTo(sums[j..]);
        }
        for (; j < y.Length; j++)
        {
            float diff = x - y[j];
            sums[j] += diff * diff;
        }
    }

    /// <summary>phi[j] += k[j]·g − 2·(x − y[j])·(1/h)·k[j], grouped as written (no fused multiply-adds).</summary>
    private static void AddKernelTerms(float x, float g, float inverseH, ReadOnlySpan<float> k, ReadOnlySpan<float> y, Span<float> phi)
    {
        int j = 0;
        var xv = new Vector<float>(x);
        var gv = new Vector<float>(g);
        var inverseHv = new Vector<float>(inverseH);
        var two = new Vector<float>(2f);
        for (; j + Vector<float>.Count <= y.Length; j += Vector<float>.Count)
        {
            var kv = new Vector<float>(k[j..]);
            Vector<float> term = kv * gv - two * (xv - new Vector<float>(y[j..])) * inverseHv * kv;
            (new Vector<float>(phi[j..]) + term).CopyTo(phi[j..]);
        }
        for (; j < y.Length; j++) phi[j] += k[j] * g - 2f * (x - y[j]) * inverseH * k[j];
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
