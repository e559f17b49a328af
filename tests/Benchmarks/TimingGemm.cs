using System.Diagnostics;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Benchmarks;

/// <summary>Wraps a GEMM and adds up the time spent in each distinct shape it is asked for (summed over threads).</summary>
internal sealed unsafe class TimingGemm(IGemm inner) : IGemm
{
    private readonly Dictionary<GemmShape, (long Calls, long Ticks)> _shapes = [];

    public string Name => inner.Name;

    public int Threads => inner.Threads;

    public void Reset()
    {
        lock (_shapes) _shapes.Clear();
    }

    /// <summary>Per shape: calls and seconds, largest time first.</summary>
    public IReadOnlyList<(GemmShape Shape, long Calls, double Seconds)> Shapes()
    {
        lock (_shapes)
            return [.. _shapes.Select(s => (s.Key, s.Value.Calls, (double)s.Value.Ticks / Stopwatch.Frequency)).OrderByDescending(s => s.Item3)];
    }

    public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        long start = Stopwatch.GetTimestamp();
        inner.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        Record(new GemmShape(transposeA, transposeB, m, n, k), start);
    }

    // The fused pass counts with its product.
    public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, GemmEpilogue epilogue)
    {
        long start = Stopwatch.GetTimestamp();
        inner.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, epilogue);
        Record(new GemmShape(transposeA, transposeB, m, n, k), start);
    }

    private void Record(GemmShape shape, long start)
    {
        long ticks = Stopwatch.GetTimestamp() - start;
        lock (_shapes)
        {
            _shapes.TryGetValue(shape, out var sum);
            _shapes[shape] = (sum.Calls + 1, sum.Ticks + ticks);
        }
    }
}
