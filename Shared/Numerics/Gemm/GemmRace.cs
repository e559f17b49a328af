using System.Diagnostics;

namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>
/// What <c>auto</c> does at start: runs every candidate GEMM over the shapes the caller will run, in alternating
/// rounds (so a burst of load from elsewhere hits all of them alike), and keeps the one with the shortest pass.
/// </summary>
public static class GemmRace
{
    public sealed record Entry(IGemm Gemm, double Gflops);

    /// <summary>
    /// The candidates by measured GFLOP/s over <paramref name="shapes"/> (a list with repeats, as one update calls them):
    /// each distinct shape is timed once per round and weighted by its count, best of the rounds that fit in
    /// <paramref name="seconds"/> (at least three).
    /// </summary>
    public static IReadOnlyList<Entry> Run(IReadOnlyList<IGemm> candidates, IReadOnlyList<GemmShape> shapes, double seconds = 0.3)
    {
        if (candidates.Count == 0 || shapes.Count == 0) throw new ArgumentException("a race needs candidates and shapes");
        (GemmShape Shape, int Count)[] distinct = [.. shapes.GroupBy(s => s).Select(g => (g.Key, g.Count()))];
        long elements = distinct.Max(d => Math.Max((long)d.Shape.M * d.Shape.K, Math.Max((long)d.Shape.K * d.Shape.N, (long)d.Shape.M * d.Shape.N)));
        float[] a = new float[elements], b = new float[elements], c = new float[elements];
        new Rng(1).FillUniform(a, -1f, 1f);
        new Rng(2).FillUniform(b, -1f, 1f);
        long flops = shapes.Sum(s => s.Flops);
        var best = new double[candidates.Count, distinct.Length];
        for (int i = 0; i < candidates.Count; i++)
            for (int j = 0; j < distinct.Length; j++)
            {
                Time(candidates[i], distinct[j].Shape, a, b, c); // warm up: JIT, packing buffers, BLAS threads
                best[i, j] = double.MaxValue;
            }
        var budget = Stopwatch.StartNew();
        // At least three rounds, so one preempted timing cannot decide; more while the budget lasts.
        for (int round = 0; round < 100 && (round < 3 || budget.Elapsed.TotalSeconds < seconds); round++)
            for (int i = 0; i < candidates.Count; i++)
                for (int j = 0; j < distinct.Length; j++)
                    best[i, j] = Math.Min(best[i, j], Time(candidates[i], distinct[j].Shape, a, b, c));
        return [.. candidates
            .Select((g, i) => new Entry(g, flops / Enumerable.Range(0, distinct.Length).Sum(j => best[i, j] * distinct[j].Count) / 1e9))
            .OrderByDescending(e => e.Gflops)];
    }

    private static double Time(IGemm gemm, GemmShape s, float[] a, float[] b, float[] c)
    {
        int lda = s.TransposeA ? s.M : s.K, ldb = s.TransposeB ? s.K : s.N;
        long start = Stopwatch.GetTimestamp();
        gemm.Multiply(s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
