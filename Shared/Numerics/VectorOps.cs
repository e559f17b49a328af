using System.Numerics.Tensors;

namespace SoftQDistributed.Shared.Numerics;

/// <summary>The element-wise passes the layers need, fused where TensorPrimitives has no single call.</summary>
public static class VectorOps
{
    /// <summary>Each row: <c>row += bias</c>.</summary>
    public static void AddBias(Span<float> rows, ReadOnlySpan<float> bias)
    {
        for (int start = 0; start < rows.Length; start += bias.Length)
        {
            Span<float> row = rows.Slice(start, bias.Length);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary><c>grad = upstream * (1 - y²)</c>: tanh's backward from its output y.</summary>
    public static void TanhBackward(ReadOnlySpan<float> upstream, ReadOnlySpan<float> output, Span<float> grad)
    {
        for (int i = 0; i < grad.Length; i++)
            grad[i] = upstream[i] * (1f - output[i] * output[i]);
    }

    /// <summary><c>sums += Σ rows</c>: the bias gradient (column sums of a row-major block).</summary>
    public static void AccumulateColumnSums(ReadOnlySpan<float> rows, Span<float> sums)
    {
        for (int start = 0; start < rows.Length; start += sums.Length)
            TensorPrimitives.Add(sums, rows.Slice(start, sums.Length), sums);
    }

    /// <summary>destination[s] = Σ_p rows[s * particles + p]: collapses particle rows onto their state.</summary>
    public static void SumParticles(ReadOnlySpan<float> rows, int width, int particles, Span<float> destination)
    {
        int states = rows.Length / (width * particles);
        for (int s = 0; s < states; s++)
        {
            Span<float> dst = destination.Slice(s * width, width);
            rows.Slice(s * particles * width, width).CopyTo(dst);
            for (int p = 1; p < particles; p++)
                TensorPrimitives.Add(dst, rows.Slice((s * particles + p) * width, width), dst);
        }
    }

    /// <summary>True when every value is finite (no NaN, no ±Inf).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values) => TensorPrimitives.IsFiniteAll(values);
}
