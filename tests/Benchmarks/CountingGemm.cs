using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Benchmarks;

/// <summary>Wraps a GEMM and counts the floating-point operations (2·m·n·k) it is asked for.</summary>
internal sealed unsafe class CountingGemm(IGemm inner) : IGemm
{
    private long _flops;

    public long Flops => Interlocked.Read(ref _flops);

    public string Name => inner.Name;

    public int Threads => inner.Threads;

    public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        Interlocked.Add(ref _flops, 2L * m * n * k);
        inner.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
