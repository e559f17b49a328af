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
    /// The value a sort would put at <paramref name="index"/>, in linear expected time (quickselect, Hoare partition
    /// around the middle element); <paramref name="values"/> is reordered. Only the order statistic is asked for,
    /// so this is the sorted median exactly, without sorting all n_fixed · n_updated distances of every state.
    /// </summary>
    internal static float Select(Span<float> values, int index)
    {
        int lo = 0, hi = values.Length - 1;
        while (lo < hi)
        {
            float pivot = values[lo + (hi - lo) / 2];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            // Now values[lo..j] <= pivot <= values[i..hi], and anything between j and i equals the pivot.
            if (index <= j) hi = j;
            else if (index >= i) lo = i;
            else return values[index];
        }
        return values[index];
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
