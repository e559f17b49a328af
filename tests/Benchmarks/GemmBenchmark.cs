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
        var buffers = new Option<int>("--buffers")
        {
            DefaultValueFactory = _ => 1,
            Description = "distinct A and C matrices used in turn (several: A and C come from memory, as in an update, not from cache)",
        };
        var command = new Command("gemm", "GFLOP/s of a single-precision matrix product per backend") { m, k, n, threads, seconds, buffers };
        command.SetAction(parse => Run(parse.GetValue(m), parse.GetValue(k), parse.GetValue(n), parse.GetValue(threads), parse.GetValue(seconds), Math.Max(1, parse.GetValue(buffers))));
        return command;
    }

    private static int Run(int m, int k, int n, int threads, double seconds, int buffers)
    {
        var rng = new Rng(1);
        float[] b = new float[k * n];
        float[][] aBuffers = new float[buffers][], cBuffers = new float[buffers][];
        for (int i = 0; i < buffers; i++)
        {
            aBuffers[i] = new float[m * k];
            cBuffers[i] = new float[m * n];
            rng.FillUniform(aBuffers[i], -1f, 1f);
        }
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
            for (int i = 0; i < 5; i++) gemm.Multiply(false, false, m, n, k, 1f, aBuffers[0], k, b, n, 0f, cBuffers[0], n);
            long calls = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                int next = (int)(calls % buffers);
                gemm.Multiply(false, false, m, n, k, 1f, aBuffers[next], k, b, n, 0f, cBuffers[next], n);
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
        results["buffers"] = buffers;
        Console.WriteLine(JsonSerializer.Serialize(results));
        return 0;
    }
}
