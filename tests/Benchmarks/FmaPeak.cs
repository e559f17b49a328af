using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SoftQDistributed.Benchmarks;

/// <summary>
/// The machine's single-precision FMA ceiling, measured: each thread runs twelve independent FMA chains in registers
/// (enough to cover a 4-cycle latency on two FMA ports), nothing else, for a fixed time. FLOPs = 2 · lanes per FMA.
/// </summary>
internal static class FmaPeak
{
    private const int Chains = 12;
    private const int Iterations = 1 << 16;

    public static bool Avx512Supported => Avx512F.IsSupported;

    public static bool Avx2Supported => Fma.IsSupported && Avx2.IsSupported;

    /// <summary>GFLOP/s of <paramref name="threads"/> threads together, each timed for <paramref name="seconds"/>.</summary>
    public static double Measure(bool avx512, int threads, double seconds)
    {
        if (avx512 ? !Avx512Supported : !Avx2Supported) throw new PlatformNotSupportedException(avx512 ? "AVX-512F" : "FMA/AVX2");
        Run(avx512, 0.05); // compile the loop at full tier before timing
        var flops = new double[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() => flops[t] = Run(avx512, seconds))).ToArray();
        var clock = Stopwatch.StartNew();
        foreach (Thread w in workers) w.Start();
        foreach (Thread w in workers) w.Join();
        return flops.Sum() / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static double Run(bool avx512, double seconds)
    {
        long rounds = 0;
        float sink = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            sink += avx512 ? Chains512(Iterations) : Chains256(Iterations);
            rounds++;
        }
        GC.KeepAlive(sink);
        int lanes = avx512 ? 16 : 8;
        return 2.0 * lanes * Chains * Iterations * rounds;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(int iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), x = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, x); a1 = Fma.MultiplyAdd(a1, m, x); a2 = Fma.MultiplyAdd(a2, m, x);
            a3 = Fma.MultiplyAdd(a3, m, x); a4 = Fma.MultiplyAdd(a4, m, x); a5 = Fma.MultiplyAdd(a5, m, x);
            a6 = Fma.MultiplyAdd(a6, m, x); a7 = Fma.MultiplyAdd(a7, m, x); a8 = Fma.MultiplyAdd(a8, m, x);
            a9 = Fma.MultiplyAdd(a9, m, x); a10 = Fma.MultiplyAdd(a10, m, x); a11 = Fma.MultiplyAdd(a11, m, x);
        }
        Vector256<float> sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return sum.GetElement(0);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(int iterations)
    {
        Vector512<float> m = Vector512.Create(0.999999f), x = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector512<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, x); a1 = Avx512F.FusedMultiplyAdd(a1, m, x); a2 = Avx512F.FusedMultiplyAdd(a2, m, x);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, x); a4 = Avx512F.FusedMultiplyAdd(a4, m, x); a5 = Avx512F.FusedMultiplyAdd(a5, m, x);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, x); a7 = Avx512F.FusedMultiplyAdd(a7, m, x); a8 = Avx512F.FusedMultiplyAdd(a8, m, x);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, x); a10 = Avx512F.FusedMultiplyAdd(a10, m, x); a11 = Avx512F.FusedMultiplyAdd(a11, m, x);
        }
        Vector512<float> sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return sum.GetElement(0);
    }

    /// <summary>The widest ceiling this CPU has for <paramref name="threads"/> threads: AVX-512 where present, else AVX2.</summary>
    public static (string Isa, double Gflops) Widest(int threads, double seconds) =>
        Avx512Supported ? ("avx512", Measure(true, threads, seconds)) : ("avx2", Measure(false, threads, seconds));
}
