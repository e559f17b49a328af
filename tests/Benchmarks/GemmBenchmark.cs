using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Benchmarks;

/// <summary><c>gemm --m M --k K --n N --threads T</c>: GFLOP/s of C = A·B for each available backend.</summary>
internal static class GemmBenchmark
{
    public static Command Command()
    {
        var m = new Option<int>("--m") { DefaultValueFactory = _ => 2048, Description = "rows of A and C" };
        var k = new Option<int>("--k") { DefaultValueFactory = _ => 256, Description = "columns of A, rows of B" };
        var n = new Option<int>("--n") { DefaultValueFactory = _ => 256, Description = "columns of B and C" };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1, Description = "threads per GEMM call" };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 1.0, Description = "timed seconds per backend" };
        var command = new Command("gemm", "GFLOP/s of a single-precision matrix product per backend") { m, k, n, threads, seconds };
        command.SetAction(parse => Run(parse.GetValue(m), parse.GetValue(k), parse.GetValue(n), parse.GetValue(threads), parse.GetValue(seconds)));
        return command;
    }

    private static int Run(int m, int k, int n, int threads, double seconds)
    {
        var rng = new Rng(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        rng.FillUniform(a, -1f, 1f);
        rng.FillUniform(b, -1f, 1f);
        var results = new Dictionary<string, object>();
        foreach (GemmBackend backend in new[] { GemmBackend.OpenBlas, GemmBackend.Managed })
        {
            IGemm gemm;
            try
            {
                gemm = GemmFactory.Create(backend, threads, Console.WriteLine);
            }
            catch (InvalidOperationException e)
            {
                Console.WriteLine($"skipping {backend}: {e.Message}");
                continue;
            }
            for (int i = 0; i < 5; i++) gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            long calls = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
                calls++;
            }
            double gflops = 2.0 * m * n * k * calls / clock.Elapsed.TotalSeconds / 1e9;
            Console.WriteLine($"{gemm.Name,-9} {m}x{k} · {k}x{n}, {threads} thread(s): {gflops:F1} GFLOP/s");
            results[gemm.Name + "_gflops"] = Math.Round(gflops, 2);
        }
        results["m"] = m;
        results["k"] = k;
        results["n"] = n;
        results["threads"] = threads;
        Console.WriteLine(JsonSerializer.Serialize(results));
        return 0;
    }
}
