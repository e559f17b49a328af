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

    /// <summary>
    /// <c>C = op(A) * op(B)</c>, then <paramref name="epilogue"/> over C. This default makes it a second pass; a GEMM
    /// that applies it to each tile of C while the tile is still in cache overrides it.
    /// </summary>
    unsafe void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, GemmEpilogue epilogue)
    {
        Multiply(transposeA, transposeB, m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc);
        epilogue.Apply(c, ldc, 0, m, 0, n);
    }
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
        CheckOperands(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            gemm.Multiply(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>
    /// A layer's forward: <c>C = max(A * B + add[i / rowsPerAddRow, :], 0)</c> row by row; <paramref name="addStride"/> 0
    /// adds one bias row to every row.
    /// </summary>
    public static unsafe void MultiplyAddRelu(
        this IGemm gemm, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, ReadOnlySpan<float> add, int addStride, int rowsPerAddRow)
    {
        if (m == 0 || n == 0) return;
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerAddRow, 1);
        CheckOperands(false, false, m, n, k, a, lda, b, ldb, c, ldc);
        CheckOperand(nameof(add), add.Length, addStride == 0 ? 1 : (m - 1) / rowsPerAddRow + 1, n, addStride == 0 ? n : addStride);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        fixed (float* padd = add)
        {
            gemm.Multiply(false, false, m, n, k, pa, lda, pb, ldb, pc, ldc,
                addStride == 0 ? GemmEpilogue.AddRelu(padd) : GemmEpilogue.AddRelu(padd, addStride, rowsPerAddRow));
        }
    }

    /// <summary>A layer's backward through the previous ReLU: <c>C = (A * op(B)) * (activation &gt; 0)</c>, element-wise.</summary>
    public static unsafe void MultiplyReluMask(
        this IGemm gemm, bool transposeB, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, ReadOnlySpan<float> activation, int activationStride)
    {
        if (m == 0 || n == 0) return;
        CheckOperands(false, transposeB, m, n, k, a, lda, b, ldb, c, ldc);
        CheckOperand(nameof(activation), activation.Length, m, n, activationStride);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        fixed (float* pm = activation)
        {
            gemm.Multiply(false, transposeB, m, n, k, pa, lda, pb, ldb, pc, ldc, GemmEpilogue.ReluMask(pm, activationStride));
        }
    }

    private static void CheckOperands(
        bool transposeA, bool transposeB, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        CheckOperand(nameof(a), a.Length, transposeA ? k : m, transposeA ? m : k, lda);
        CheckOperand(nameof(b), b.Length, transposeB ? n : k, transposeB ? k : n, ldb);
        CheckOperand(nameof(c), c.Length, m, n, ldc);
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
