namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>
/// Single-precision row-major matrix product: <c>C = alpha * op(A) * op(B) + beta * C</c>, where
/// op(A) is m×k, op(B) is k×n and C is m×n. When <c>beta == 0</c>, C is not read (it may hold garbage).
/// </summary>
public interface IGemm
{
    /// <summary>"openblas" or "managed".</summary>
    string Name { get; }

    /// <summary>Threads one call may use.</summary>
    int Threads { get; }

    unsafe void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc);
}

/// <summary>The span-based, bounds-checked entry point that the layers use.</summary>
public static class GemmExtensions
{
    public static unsafe void Multiply(
        this IGemm gemm, bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0) return;
        CheckOperand(nameof(a), a.Length, transposeA ? k : m, transposeA ? m : k, lda);
        CheckOperand(nameof(b), b.Length, transposeB ? n : k, transposeB ? k : n, ldb);
        CheckOperand(nameof(c), c.Length, m, n, ldc);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            gemm.Multiply(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    private static void CheckOperand(string name, int length, int rows, int cols, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
            throw new ArgumentException($"leading dimension {ld} of {name} is smaller than its {cols} columns");
        if ((long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"{name} holds {length} floats, too few for {rows}×{cols} with stride {ld}");
    }
}
