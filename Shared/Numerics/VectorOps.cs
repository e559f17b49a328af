using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace SoftQDistributed.Shared.Numerics;

/// <summary>The element-wise passes the layers need, fused where TensorPrimitives has no single call.</summary>
public static class VectorOps
{
    /// <summary>Each row: <c>row = max(row + bias, 0)</c>.</summary>
    public static void AddBiasRelu(Span<float> rows, ReadOnlySpan<float> bias)
    {
        for (int start = 0; start < rows.Length; start += bias.Length) AddRelu(rows.Slice(start, bias.Length), bias);
    }

    /// <summary>
    /// <c>row = max(row + bias, 0)</c> in one pass (two TensorPrimitives calls would read and write the row twice);
    /// NaN propagates as through <see cref="TensorPrimitives.Max(ReadOnlySpan{float}, float, Span{float})"/>.
    /// </summary>
    private static void AddRelu(Span<float> row, ReadOnlySpan<float> bias)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= row.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> sum = Vector256.Create(row.Slice(i, Vector256<float>.Count)) + Vector256.Create(bias.Slice(i, Vector256<float>.Count));
                Vector256.Max(sum, Vector256<float>.Zero).CopyTo(row.Slice(i));
            }
        }
        for (; i < row.Length; i++) row[i] = MathF.Max(row[i] + bias[i], 0f);
    }

    /// <summary>Each row: <c>row += bias</c>.</summary>
    public static void AddBias(Span<float> rows, ReadOnlySpan<float> bias)
    {
        for (int start = 0; start < rows.Length; start += bias.Length)
        {
            Span<float> row = rows.Slice(start, bias.Length);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>Row r of <paramref name="rows"/>: <c>max(row + perState[r / particles], 0)</c>.</summary>
    public static void AddBroadcastRelu(Span<float> rows, ReadOnlySpan<float> perState, int width, int particles)
    {
        int row = 0;
        for (int start = 0; start < rows.Length; start += width, row++)
            AddRelu(rows.Slice(start, width), perState.Slice(row / particles * width, width));
    }

    /// <summary><c>grad *= (activation &gt; 0)</c>: ReLU's backward from its output.</summary>
    public static void ReluBackward(Span<float> grad, ReadOnlySpan<float> activation)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= grad.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> g = Vector512.Create(grad.Slice(i, Vector512<float>.Count));
                Vector512<float> a = Vector512.Create(activation.Slice(i, Vector512<float>.Count));
                Vector512.BitwiseAnd(g, Vector512.GreaterThan(a, Vector512<float>.Zero)).CopyTo(grad.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= grad.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> g = Vector256.Create(grad.Slice(i, Vector256<float>.Count));
                Vector256<float> a = Vector256.Create(activation.Slice(i, Vector256<float>.Count));
                Vector256.BitwiseAnd(g, Vector256.GreaterThan(a, Vector256<float>.Zero)).CopyTo(grad.Slice(i));
            }
        }
        for (; i < grad.Length; i++)
            if (activation[i] <= 0f) grad[i] = 0f;
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
