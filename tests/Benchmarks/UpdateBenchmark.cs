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
        var backend = new Option<string>("--backend") { DefaultValueFactory = _ => "openblas", Description = "openblas | managed | auto" };
        var command = new Command("sql-update", "updates per second of the full soft Q + SVGD step")
            { obs, act, hidden, batch, kv, k, threads, steps, warmup, backend };
        command.SetAction(parse => Run(parse.GetValue(obs), parse.GetValue(act), parse.GetValue(hidden), parse.GetValue(batch),
            parse.GetValue(kv), parse.GetValue(k), parse.GetValue(threads), parse.GetValue(steps), parse.GetValue(warmup),
            parse.GetValue(backend)!));
        return command;
    }

    private static int Run(int obsDim, int actDim, int hidden, int batchSize, int kv, int k, int threads, int steps, int warmup, string backendName)
    {
        // Partitions run one-thread GEMMs in parallel; the thread count is the number of partitions.
        var counting = new CountingGemm(GemmFactory.Create(GemmFactory.Parse(backendName), 1, Console.WriteLine));
        var settings = new SoftQSettings { Hidden = [hidden, hidden], ValueParticles = kv, SvgdParticles = k };
        var rng = new Rng(1);
        var nets = new SoftQNetworks(obsDim, actDim, settings.Hidden, rng);
        using var update = new SoftQUpdate(nets, settings, counting, rng, batchSize, threads);
        TransitionBatch[] batches = Enumerable.Range(0, 4).Select(i => RandomBatch(rng, batchSize, obsDim, actDim)).ToArray();

        for (int i = 0; i < warmup; i++) update.Update(batches[i % batches.Length]);
        long flopsBefore = counting.Flops;
        update.Update(batches[0]);
        long flopsPerUpdate = counting.Flops - flopsBefore;

        var clock = new Stopwatch(); // created before the allocation count starts: it is the only object here
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        clock.Start();
        for (int i = 0; i < steps; i++) update.Update(batches[i % batches.Length]);
        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        double seconds = clock.Elapsed.TotalSeconds;
        double updatesPerSecond = steps / seconds;
        double gflops = flopsPerUpdate * updatesPerSecond / 1e9;
        Console.WriteLine($"obs {obsDim} act {actDim} hidden {hidden} batch {batchSize} kv {kv} k {k}, {counting.Name}, {threads} thread(s): " +
            $"{updatesPerSecond:F1} updates/s, {1000 / updatesPerSecond:F2} ms/update, {flopsPerUpdate / 1e9:F3} GFLOP/update ({gflops:F1} GFLOP/s), " +
            $"{(double)allocated / steps:F0} bytes allocated/update, {update.SkippedUpdates} skipped");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "sql-update",
            ["updates_per_second"] = Math.Round(updatesPerSecond, 2),
            ["ms_per_update"] = Math.Round(1000 / updatesPerSecond, 3),
            ["backend"] = counting.Name,
            ["threads"] = threads,
            ["allocated_bytes_per_update"] = Math.Round((double)allocated / steps, 1),
            ["gflop_per_update"] = Math.Round(flopsPerUpdate / 1e9, 4),
            ["gflops"] = Math.Round(gflops, 2),
            ["obs"] = obsDim, ["act"] = actDim, ["hidden"] = hidden, ["batch"] = batchSize, ["kv"] = kv, ["k"] = k,
            ["steps"] = steps,
        }));
        return 0;
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
