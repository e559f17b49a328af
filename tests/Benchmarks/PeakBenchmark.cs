using System.CommandLine;
using System.Text.Json;

namespace SoftQDistributed.Benchmarks;

/// <summary><c>peak</c>: the measured FMA ceiling, AVX-512 and AVX2, on 1 and 2 threads (or those given).</summary>
internal static class PeakBenchmark
{
    public static Command Command()
    {
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 1.0, Description = "timed seconds per figure" };
        var threads = new Option<int[]>("--threads") { DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true, Description = "thread counts" };
        var command = new Command("peak", "the machine's single-precision FMA ceiling in GFLOP/s") { seconds, threads };
        command.SetAction(parse => Run(parse.GetValue(seconds), parse.GetValue(threads)!));
        return command;
    }

    private static int Run(double seconds, int[] threadCounts)
    {
        var results = new Dictionary<string, object> { ["benchmark"] = "peak", ["processors"] = Environment.ProcessorCount };
        foreach ((string isa, bool avx512, bool supported) in new[] { ("avx512", true, FmaPeak.Avx512Supported), ("avx2", false, FmaPeak.Avx2Supported) })
        {
            if (!supported)
            {
                Console.WriteLine($"{isa}: not supported by this CPU");
                results[isa] = "unsupported";
                continue;
            }
            foreach (int t in threadCounts)
            {
                double gflops = FmaPeak.Measure(avx512, t, seconds);
                Console.WriteLine($"{isa}, {t} thread(s): {gflops:F1} GFLOP/s");
                results[$"{isa}_{t}t_gflops"] = Math.Round(gflops, 1);
            }
        }
        Console.WriteLine(JsonSerializer.Serialize(results));
        return 0;
    }
}
