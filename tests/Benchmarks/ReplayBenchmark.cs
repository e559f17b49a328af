using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Benchmarks;

/// <summary>
/// <c>replay</c>: transitions inserted and sampled per second, in process (replay tables directly) or over
/// loopback gRPC into real shard processes. An insert phase (C concurrent writers) is followed by a sample
/// phase (the samplers), each T seconds; latency is per call (one batch).
/// </summary>
internal static class ReplayBenchmark
{
    public static Command Command()
    {
        var mode = new Option<string>("--mode") { DefaultValueFactory = _ => "inproc", Description = "inproc | grpc" };
        var shards = new Option<int>("--shards") { DefaultValueFactory = _ => 1, Description = "replay shards" };
        var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 4, Description = "concurrent insert streams" };
        var samplers = new Option<int>("--samplers") { DefaultValueFactory = _ => 1, Description = "concurrent sampling clients" };
        var obs = new Option<int>("--obs") { DefaultValueFactory = _ => 17, Description = "observation dimension" };
        var act = new Option<int>("--act") { DefaultValueFactory = _ => 6, Description = "action dimension" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 256, Description = "transitions per insert and per sample" };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 5, Description = "duration of each phase" };
        var capacity = new Option<int>("--capacity") { DefaultValueFactory = _ => 1_000_000, Description = "transitions per shard" };
        var shardDll = new Option<string?>("--shard-dll") { Description = "the shard to start: a SoftQDistributed.ReplayService.dll, or an executable (default: the repository's Release build)" };
        var command = new Command("replay", "replay inserts and samples per second, in process or over loopback gRPC")
            { mode, shards, clients, samplers, obs, act, batch, seconds, capacity, shardDll };
        command.SetAction(parse => Run(new Setup(parse.GetValue(mode)!, parse.GetValue(shards), parse.GetValue(clients), parse.GetValue(samplers),
            parse.GetValue(obs), parse.GetValue(act), parse.GetValue(batch), parse.GetValue(seconds), parse.GetValue(capacity)),
            parse.GetValue(shardDll)).GetAwaiter().GetResult());
        return command;
    }

    private sealed record Setup(string Mode, int Shards, int Clients, int Samplers, int Obs, int Act, int Batch, double Seconds, int Capacity);

    private sealed record Phase(long Transitions, double Seconds, List<double> LatenciesMs)
    {
        public double PerSecond => Transitions / Seconds;
        public double Percentile(double p)
        {
            if (LatenciesMs.Count == 0) return double.NaN;
            LatenciesMs.Sort();
            return LatenciesMs[Math.Min(LatenciesMs.Count - 1, (int)(p * LatenciesMs.Count))];
        }
    }

    private static async Task<int> Run(Setup s, string? shardDll)
    {
        if (s.Shards < 1 || s.Clients < 1 || s.Samplers < 1 || s.Batch < 1 || s.Seconds <= 0)
        {
            Console.Error.WriteLine("shards, clients, samplers and batch must be positive, seconds > 0");
            return 2;
        }
        TransitionBatch[] batches = Enumerable.Range(0, 8).Select(i => RandomBatch(new Rng((ulong)i + 1), s.Batch, s.Obs, s.Act)).ToArray();
        (Phase inserts, Phase samples, double rssMb) = s.Mode switch
        {
            "inproc" => await InProcess(s, batches),
            "grpc" => await OverGrpc(s, batches, shardDll),
            _ => throw new ArgumentException($"--mode must be inproc or grpc, not '{s.Mode}'"),
        };
        Console.WriteLine($"{s.Mode}: {s.Shards} shard(s), {s.Clients} insert client(s), {s.Samplers} sampler(s), batch {s.Batch}, obs {s.Obs} act {s.Act}: " +
            $"{inserts.PerSecond:N0} inserted/s (p50 {inserts.Percentile(0.5):F3} ms, p99 {inserts.Percentile(0.99):F3} ms), " +
            $"{samples.PerSecond:N0} sampled/s (p50 {samples.Percentile(0.5):F3} ms, p99 {samples.Percentile(0.99):F3} ms), RSS {rssMb:F1} MB per shard");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "replay",
            ["mode"] = s.Mode,
            ["shards"] = s.Shards, ["clients"] = s.Clients, ["samplers"] = s.Samplers,
            ["obs"] = s.Obs, ["act"] = s.Act, ["batch"] = s.Batch, ["seconds"] = s.Seconds, ["capacity"] = s.Capacity,
            ["inserts_per_second"] = Math.Round(inserts.PerSecond),
            ["samples_per_second"] = Math.Round(samples.PerSecond),
            ["insert_p50_ms"] = Math.Round(inserts.Percentile(0.5), 4),
            ["insert_p99_ms"] = Math.Round(inserts.Percentile(0.99), 4),
            ["sample_p50_ms"] = Math.Round(samples.Percentile(0.5), 4),
            ["sample_p99_ms"] = Math.Round(samples.Percentile(0.99), 4),
            ["shard_rss_mb"] = Math.Round(rssMb, 1),
        }));
        return 0;
    }

    private static async Task<(Phase, Phase, double)> InProcess(Setup s, TransitionBatch[] batches)
    {
        ReplayTable[] tables = Enumerable.Range(0, s.Shards)
            .Select(i => new ReplayTable(new ReplayTableSettings(s.Obs, s.Act, s.Capacity, Seed: (ulong)i + 1))).ToArray();
        long before = Environment.WorkingSet;
        Phase inserts = await Timed(s.Clients, s.Seconds, (client, n) =>
        {
            ReplayTable table = tables[ShardedReplayClient.Route((ulong)(client * 1_000_003 + n), tables.Length)];
            table.Insert(batches[n % batches.Length], default);
            return Task.FromResult(s.Batch);
        });
        double rssMb = (Environment.WorkingSet - before) / 1e6 / s.Shards; // the tables' share of this process
        var buffers = Enumerable.Range(0, s.Samplers).Select(_ => new ReplaySample(s.Batch, s.Obs, s.Act)).ToArray();
        Phase samples = await Timed(s.Samplers, s.Seconds, async (client, n) =>
        {
            await tables[n % tables.Length].SampleAsync(buffers[client], s.Batch, 0, CancellationToken.None);
            return s.Batch;
        });
        return (inserts, samples, rssMb);
    }

    private static async Task<(Phase, Phase, double)> OverGrpc(Setup s, TransitionBatch[] batches, string? shardDll)
    {
        string dll = shardDll ?? FindShardDll();
        string dataDir = Directory.CreateTempSubdirectory("softq-replay-bench-").FullName;
        var processes = new List<(Process Process, Uri Address)>();
        try
        {
            for (int i = 0; i < s.Shards; i++) processes.Add(await StartShard(dll, i, dataDir, s));
            var insertClients = processes.Select(p => new ReplayShardClient(p.Address)).ToArray();
            InsertRequest[] requests = batches.Select(b => new InsertRequest { Batch = TransitionCodec.Encode(b) }).ToArray();

            // Each insert client holds one long-lived stream per shard, as an actor node does.
            var streams = Enumerable.Range(0, s.Clients).Select(_ => insertClients.Select(c => c.OpenInsertStream()).ToArray()).ToArray();
            Phase inserts = await Timed(s.Clients, s.Seconds, async (client, n) =>
            {
                int shard = ShardedReplayClient.Route((ulong)(client * 1_000_003 + n), processes.Count);
                await streams[client][shard].RequestStream.WriteAsync(requests[n % requests.Length]);
                return s.Batch;
            });
            long acknowledged = 0;
            foreach (var perClient in streams)
                foreach (var stream in perClient)
                {
                    await stream.RequestStream.CompleteAsync();
                    acknowledged += (long)(await stream.ResponseAsync).Transitions;
                    stream.Dispose();
                }
            inserts = inserts with { Transitions = acknowledged }; // count what the shards confirmed storing
            double rssMb = processes.Average(p => ResidentMb(p.Process.Id));

            var samplers = Enumerable.Range(0, s.Samplers)
                .Select(i => new ShardedReplayClient(processes.Select(p => p.Address).ToArray(), new ShardedReplayClientOptions(s.Obs, s.Act, Seed: (ulong)i + 1)))
                .ToArray();
            var buffers = Enumerable.Range(0, s.Samplers).Select(_ => new ReplaySample(s.Batch, s.Obs, s.Act)).ToArray();
            Phase samples = await Timed(s.Samplers, s.Seconds, async (client, n) =>
            {
                await samplers[client].SampleAsync(buffers[client], s.Batch);
                return s.Batch;
            });
            foreach (var c in insertClients) c.Dispose();
            foreach (var c in samplers) c.Dispose();
            return (inserts, samples, rssMb);
        }
        finally
        {
            foreach ((Process process, _) in processes)
            {
                if (!process.HasExited) process.Kill();
                process.Dispose();
            }
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Runs <paramref name="workers"/> loops of calls until the time is up; each call returns the transitions it moved.</summary>
    private static async Task<Phase> Timed(int workers, double seconds, Func<int, int, Task<int>> call)
    {
        for (int w = 0; w < workers; w++) await call(w, 0); // warm up connections and code
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        var latencies = new List<double>[workers];
        long[] moved = new long[workers];
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            latencies[w] = new List<double>(1 << 16);
            for (int n = 1; clock.Elapsed < end; n++)
            {
                long start = Stopwatch.GetTimestamp();
                moved[w] += await call(w, n);
                latencies[w].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        double elapsed = clock.Elapsed.TotalSeconds;
        return new Phase(moved.Sum(), elapsed, latencies.SelectMany(l => l).ToList());
    }

    private static async Task<(Process, Uri)> StartShard(string dll, int id, string dataDir, Setup s)
    {
        // A .dll runs on the shared runtime; anything else is a native (ahead-of-time compiled) shard executable.
        bool managed = dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(managed ? "dotnet" : dll) { RedirectStandardOutput = true, UseShellExecute = false };
        if (managed) info.ArgumentList.Add(dll);
        foreach (string arg in new[] { "--host", "127.0.0.1", "--port", "0", "--shard-id", id.ToString(), "--data-dir", dataDir,
                     "--obs-dim", s.Obs.ToString(), "--act-dim", s.Act.ToString(), "--capacity", s.Capacity.ToString(), "--snapshot-interval", "0" })
            info.ArgumentList.Add(arg);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        Process process = Process.Start(info) ?? throw new InvalidOperationException("could not start a shard");
        const string marker = "replay shard listening on ";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (!line.StartsWith(marker, StringComparison.Ordinal)) continue;
            _ = process.StandardOutput.ReadToEndAsync(); // keep draining
            var address = new Uri(line[marker.Length..].Split(' ')[0]);
            using var client = new ReplayShardClient(address);
            for (int attempt = 0; attempt < 100; attempt++)
            {
                try
                {
                    await client.InfoAsync();
                    return (process, address);
                }
                catch (RpcException)
                {
                    await Task.Delay(100);
                }
            }
        }
        process.Kill();
        throw new InvalidOperationException($"shard {id} did not start");
    }

    private static string FindShardDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "ReplayService", "bin", "Release", "net10.0", "SoftQDistributed.ReplayService.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("SoftQDistributed.ReplayService.dll not found: build it (dotnet build ReplayService -c Release) or pass --shard-dll");
    }

    /// <summary>VmRSS of a process from /proc, in MB.</summary>
    private static double ResidentMb(int pid)
    {
        string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    private static TransitionBatch RandomBatch(Rng rng, int rows, int obs, int act)
    {
        var batch = new TransitionBatch(rows, obs, act) { Count = rows };
        rng.FillGaussian(batch.Observations);
        rng.FillUniform(batch.Actions, -1, 1);
        rng.FillGaussian(batch.Rewards);
        rng.FillGaussian(batch.NextObservations);
        for (int i = 0; i < rows; i++) batch.Terminals[i] = rng.NextFloat() < 0.01f ? 1 : 0;
        return batch;
    }
}
