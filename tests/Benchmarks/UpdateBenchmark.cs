using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SoftQDistributed.Learner;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Benchmarks;

/// <summary>
/// <c>sql-update</c>: times full soft Q-learning update steps (soft value target, Q step, SVGD step,
/// both Adam steps) on random minibatches, with the same flags as the PyTorch reference script.
/// </summary>
internal static class UpdateBenchmark
{
    public static Command Command()
    {
        var obs = new Option<int>("--obs") { DefaultValueFactory = _ => 17, Description = "observation dimension" };
        var act = new Option<int>("--act") { DefaultValueFactory = _ => 6, Description = "action dimension" };
        var hidden = new Option<int>("--hidden") { DefaultValueFactory = _ => 256, Description = "width of both hidden layers" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 128, Description = "minibatch size" };
        var kv = new Option<int>("--kv") { DefaultValueFactory = _ => 16, Description = "K_v, uniform actions for the soft value" };
        var k = new Option<int>("--k") { DefaultValueFactory = _ => 32, Description = "K, SVGD particles per state" };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1, Description = "update threads (batch partitions)" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 200, Description = "timed update steps" };
        var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => 100, Description = "untimed steps first (lets tiered compilation settle)" };
        var backend = new Option<string>("--backend") { DefaultValueFactory = _ => "openblas", Description = "openblas | managed | auto | torch (torch needs a build with TorchBackend=true)" };
        var breakdown = new Option<bool>("--breakdown") { Description = "also time every matrix product shape (summed over threads) against the whole update" };
        var command = new Command("sql-update", "updates per second of the full soft Q + SVGD step")
            { obs, act, hidden, batch, kv, k, threads, steps, warmup, backend, breakdown };
        command.SetAction(parse => Run(parse.GetValue(obs), parse.GetValue(act), parse.GetValue(hidden), parse.GetValue(batch),
            parse.GetValue(kv), parse.GetValue(k), parse.GetValue(threads), parse.GetValue(steps), parse.GetValue(warmup),
            parse.GetValue(backend)!, parse.GetValue(breakdown)));
        return command;
    }

    private static int Run(int obsDim, int actDim, int hidden, int batchSize, int kv, int k, int threads, int steps, int warmup, string backendName, bool breakdown)
    {
        var settings = new SoftQSettings { Hidden = [hidden, hidden], ValueParticles = kv, SvgdParticles = k };
        var rng = new Rng(1);
        var nets = new SoftQNetworks(obsDim, actDim, settings.Hidden, rng);
        // FLOPs per update by our count (2·m·n·k of every matrix product of the update), whichever backend runs it.
        long flopsPerUpdate = FlopsPerUpdate(obsDim, actDim, settings, batchSize);
        TimingGemm? timing = null;
        using SoftQUpdate update = Create(backendName, nets, settings, rng, batchSize, threads, breakdown ? gemm => timing = new TimingGemm(gemm) : gemm => gemm);
        TransitionBatch[] batches = Enumerable.Range(0, 4).Select(i => RandomBatch(rng, batchSize, obsDim, actDim)).ToArray();

        for (int i = 0; i < warmup; i++) update.Update(batches[i % batches.Length]);
        timing?.Reset();

        var clock = new Stopwatch(); // created before the allocation count starts: it is the only object here
        using Process process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        clock.Start();
        for (int i = 0; i < steps; i++) update.Update(batches[i % batches.Length]);
        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        // CPU time, all threads: on a shared machine steadier than the wall clock, which counts time others hold the cores.
        double cpuMsPerUpdate = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / steps;

        double seconds = clock.Elapsed.TotalSeconds;
        double updatesPerSecond = steps / seconds;
        double gflops = flopsPerUpdate * updatesPerSecond / 1e9;
        // The ceiling for the same thread count, measured now, so the fraction compares like with like.
        (string isa, double peak) = FmaPeak.Widest(threads, 0.5);
        Console.WriteLine($"obs {obsDim} act {actDim} hidden {hidden} batch {batchSize} kv {kv} k {k}, {update.Backend}, {threads} thread(s): " +
            $"{updatesPerSecond:F1} updates/s, {1000 / updatesPerSecond:F2} ms/update, {flopsPerUpdate / 1e9:F3} GFLOP/update ({gflops:F1} GFLOP/s), " +
            $"{(double)allocated / steps:F0} bytes allocated/update, {update.SkippedUpdates} skipped; " +
            $"{gflops / peak:P1} of the {peak:F1} GFLOP/s {isa} FMA peak on {threads} thread(s)");
        if (timing is not null) PrintBreakdown(timing, steps, seconds, threads);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "sql-update",
            ["updates_per_second"] = Math.Round(updatesPerSecond, 2),
            ["ms_per_update"] = Math.Round(1000 / updatesPerSecond, 3),
            ["cpu_ms_per_update"] = Math.Round(cpuMsPerUpdate, 3),
            ["backend"] = update.Backend,
            ["threads"] = threads,
            ["allocated_bytes_per_update"] = Math.Round((double)allocated / steps, 1),
            ["gflop_per_update"] = Math.Round(flopsPerUpdate / 1e9, 4),
            ["gflops"] = Math.Round(gflops, 2),
            ["peak_isa"] = isa,
            ["peak_gflops"] = Math.Round(peak, 1),
            ["peak_fraction"] = Math.Round(gflops / peak, 3),
            ["obs"] = obsDim, ["act"] = actDim, ["hidden"] = hidden, ["batch"] = batchSize, ["kv"] = kv, ["k"] = k,
            ["steps"] = steps,
        }));
        return 0;
    }

    /// <summary>Milliseconds per update in each product shape (thread time), and the share of the update's thread time left outside them.</summary>
    private static void PrintBreakdown(TimingGemm timing, int steps, double seconds, int threads)
    {
        double total = 0;
        foreach ((GemmShape shape, long calls, double time) in timing.Shapes())
        {
            total += time;
            Console.WriteLine($"  {(shape.TransposeA ? "T" : "N")}{(shape.TransposeB ? "T" : "N")} m {shape.M,5} n {shape.N,4} k {shape.K,5}: " +
                $"{calls / (double)steps,4:F0} calls, {1000 * time / steps,7:F3} ms/update, {shape.Flops * calls / time / 1e9,6:F1} GFLOP/s");
        }
        double threadTime = seconds * threads;
        Console.WriteLine($"  products {1000 * total / steps:F2} ms/update of {1000 * threadTime / steps:F2} thread-ms/update " +
            $"({total / threadTime:P0}); the rest (elementwise, reductions, Adam, waiting) {1000 * (threadTime - total) / steps:F2}");
    }

    private static SoftQUpdate Create(string backend, SoftQNetworks nets, SoftQSettings settings, Rng rng, int batchSize, int threads, Func<IGemm, IGemm> wrap)
    {
        if (backend.Trim().Equals("torch", StringComparison.OrdinalIgnoreCase))
        {
#if TORCH_BACKEND
            return new SoftQUpdate(nets, settings, new Learner.Torch.TorchGradients(nets, settings, batchSize, threads), rng, batchSize);
#else
            throw new ArgumentException("--backend torch needs the torch backend built in: build with -p:TorchBackend=true (docs/backends.md)");
#endif
        }
        // Partitions run one-thread GEMMs in parallel; the thread count is the number of partitions.
        IGemm gemm = wrap(GemmFactory.Create(GemmFactory.Parse(backend), 1, Console.WriteLine));
        return new SoftQUpdate(nets, settings, gemm, rng, batchSize, threads);
    }

    private static long FlopsPerUpdate(int obsDim, int actDim, SoftQSettings settings, int batchSize)
    {
        var counting = new CountingGemm(new ManagedGemm(1));
        var rng = new Rng(2);
        using var update = new SoftQUpdate(new SoftQNetworks(obsDim, actDim, settings.Hidden, rng), settings, counting, rng, batchSize);
        update.Update(RandomBatch(rng, batchSize, obsDim, actDim));
        return counting.Flops;
    }

    private static TransitionBatch RandomBatch(Rng rng, int size, int obsDim, int actDim)
    {
        var batch = new TransitionBatch(size, obsDim, actDim) { Count = size };
        rng.FillGaussian(batch.Observations);
        rng.FillGaussian(batch.NextObservations);
        rng.FillUniform(batch.Actions, -1f, 1f);
        rng.FillGaussian(batch.Rewards);
        for (int i = 0; i < size; i++) batch.Terminals[i] = rng.NextFloat() < 0.05f ? 1f : 0f;
        return batch;
    }
}
