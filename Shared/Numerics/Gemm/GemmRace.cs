using System.Diagnostics;

namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>
/// What <c>auto</c> does at start: runs every candidate GEMM over the shapes the caller will run, in alternating
/// rounds (so a burst of load from elsewhere hits all of them alike), and keeps the one with the shortest pass.
/// </summary>
public static class GemmRace
{
    public sealed record Entry(IGemm Gemm, double Gflops);

    /// <summary>The candidates by measured GFLOP/s over one pass of <paramref name="shapes"/>, fastest first.</summary>
    public static IReadOnlyList<Entry> Run(IReadOnlyList<IGemm> candidates, IReadOnlyList<GemmShape> shapes, double seconds = 0.4)
    {
        if (candidates.Count == 0 || shapes.Count == 0) throw new ArgumentException("a race needs candidates and shapes");
        long elements = shapes.Max(s => Math.Max((long)s.M * s.K, Math.Max((long)s.K * s.N, (long)s.M * s.N)));
        float[] a = new float[elements], b = new float[elements], c = new float[elements];
        new Rng(1).FillUniform(a, -1f, 1f);
        new Rng(2).FillUniform(b, -1f, 1f);
        long flops = shapes.Sum(s => s.Flops);
        double[] best = new double[candidates.Count];
        Array.Fill(best, double.MaxValue);
        foreach (IGemm gemm in candidates) Pass(gemm, shapes, a, b, c); // warm up: JIT, packing buffers, BLAS threads
        var budget = Stopwatch.StartNew();
        for (int round = 0; round < 3 || budget.Elapsed.TotalSeconds < seconds; round++)
        {
            for (int i = 0; i < candidates.Count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                Pass(candidates[i], shapes, a, b, c);
                best[i] = Math.Min(best[i], Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            if (round >= 50) break;
        }
        return [.. candidates.Select((g, i) => new Entry(g, flops / best[i] / 1e9)).OrderByDescending(e => e.Gflops)];
    }

    private static void Pass(IGemm gemm, IReadOnlyList<GemmShape> shapes, float[] a, float[] b, float[] c)
    {
        foreach (GemmShape s in shapes)
        {
            int lda = s.TransposeA ? s.M : s.K, ldb = s.TransposeB ? s.K : s.N;
            gemm.Multiply(s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N);
        }
    }
}
