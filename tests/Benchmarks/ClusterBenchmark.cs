using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Benchmarks;

/// <summary>
/// <c>cluster</c>: the cluster transport measured with real processes on 127.0.0.1 (Akka.Remote over loopback):
/// <c>insert</c> — transitions/s from pusher processes into one replay shard process, with a credit window as the
/// actor nodes use; <c>sample</c> — transitions/s the learner's way of sampling (requests in flight) draws from two
/// shard processes; <c>broadcast</c> — publish-to-swap latency of the sampling network to subscriber processes over
/// DistributedPubSub; <c>memory</c> — a shard's resident set holding 1M rows. One JSON line per figure.
/// </summary>
internal static class ClusterBenchmark
{
    public static IEnumerable<Command> Commands()
    {
        var what = new Option<string>("--what") { DefaultValueFactory = _ => "all", Description = "insert, sample, broadcast, memory or all" };
        var obs = new Option<int>("--obs") { DefaultValueFactory = _ => 17, Description = "observation width" };
        var act = new Option<int>("--act") { DefaultValueFactory = _ => 6, Description = "action width" };
        var pushers = new Option<int>("--pushers") { DefaultValueFactory = _ => 4, Description = "pusher processes (insert, memory)" };
        var rows = new Option<int>("--rows") { DefaultValueFactory = _ => 1024, Description = "rows per insert message" };
        var window = new Option<int>("--window") { DefaultValueFactory = _ => 16, Description = "unacknowledged messages per pusher" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 256, Description = "rows per sample request" };
        var inFlight = new Option<int>("--in-flight") { DefaultValueFactory = _ => 8, Description = "sample requests in flight" };
        var subscribers = new Option<int>("--subscribers") { DefaultValueFactory = _ => 8, Description = "subscriber processes (broadcast)" };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 10, Description = "measuring time of insert and sample" };
        // Long enough for the JIT's tier-up of five processes on two cores: measured, it still took most of a shard's
        // CPU 14-24 s after the start there, so a 2 s warm-up timed the compiler as much as the transport.
        var warmup = new Option<double>("--warmup") { DefaultValueFactory = _ => 30, Description = "seconds of traffic before insert and sample are measured" };
        var command = new Command("cluster", "the cluster transport with real processes: insert, sample, broadcast, memory")
            { what, obs, act, pushers, rows, window, batch, inFlight, subscribers, seconds, warmup };
        command.SetAction(async parse =>
        {
            string w = parse.GetValue(what)!;
            int o = parse.GetValue(obs), a = parse.GetValue(act);
            double s = parse.GetValue(seconds), warm = parse.GetValue(warmup);
            if (w is "insert" or "all") await InsertAsync(o, a, parse.GetValue(pushers), parse.GetValue(rows), parse.GetValue(window), warm, s);
            if (w is "sample" or "all") await SampleAsync(o, a, parse.GetValue(batch), parse.GetValue(inFlight), warm, s);
            if (w is "broadcast" or "all")
                foreach (int hidden in new[] { 128, 256 }) await BroadcastAsync(o, a, hidden, parse.GetValue(subscribers));
            if (w is "memory" or "all") await MemoryAsync(o, a, parse.GetValue(pushers), parse.GetValue(rows), parse.GetValue(window));
            return 0;
        });

        // The child processes the driver starts.
        var seeds = new Option<string>("--seeds") { Required = true };
        var port = new Option<int>("--shard-port") { Required = true };
        var push = new Command("cluster-push", "(child) pushes transitions into one shard until killed") { seeds, port, obs, act, rows, window };
        push.Hidden = true;
        push.SetAction(parse => PushAsync(parse.GetValue(seeds)!, parse.GetValue(port), parse.GetValue(obs), parse.GetValue(act), parse.GetValue(rows), parse.GetValue(window)));
        var count = new Option<int>("--count") { Required = true };
        var subscribe = new Command("cluster-subscribe", "(child) prints publish-to-swap latencies of the policy topic") { seeds, count };
        subscribe.Hidden = true;
        subscribe.SetAction(parse => SubscribeAsync(parse.GetValue(seeds)!, parse.GetValue(count)));
        return [command, push, subscribe];
    }

    private static async Task InsertAsync(int obs, int act, int pushers, int rows, int window, double warmup, double seconds)
    {
        using var cluster = await LocalShardsAsync(1, obs, act, 4_000_000);
        List<Process> children = [.. Enumerable.Range(0, pushers).Select(_ => StartPusher(cluster, 0, obs, act, rows, window))];
        try
        {
            await Task.WhenAll(children.Select(WaitReadyAsync));
            await Task.Delay(TimeSpan.FromSeconds(warmup));
            ShardStatus first = await cluster.StatusAsync(0);
            TimeSpan shardCpu0 = CpuTime(cluster.Processes[0]), pushersCpu0 = CpuTime(children);
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            ShardStatus last = await cluster.StatusAsync(0);
            double elapsed = clock.Elapsed.TotalSeconds;
            double shardCpu = (CpuTime(cluster.Processes[0]) - shardCpu0).TotalSeconds, pushersCpu = (CpuTime(children) - pushersCpu0).TotalSeconds;
            long inserted = last.TotalInserted - first.TotalInserted;
            double rate = inserted / elapsed;
            // CPU seconds per million rows: the cost of the path itself, steadier than the rate where other work shares the cores.
            double shardPerMillion = shardCpu / inserted * 1e6, pushersPerMillion = pushersCpu / inserted * 1e6;
            Console.Error.WriteLine($"insert: {pushers} pusher process(es) × window {window} × {rows} rows → one shard: {rate / 1e6:F2}M transitions/s; " +
                $"CPU per million rows: shard {shardPerMillion:F2} s, pushers {pushersPerMillion:F2} s");
            Print(new
            {
                benchmark = "cluster-insert", obs, act, pushers, rows_per_message = rows, window, seconds = Math.Round(elapsed, 2),
                transitions_per_second = Math.Round(rate), shard_cpu_seconds_per_million = Math.Round(shardPerMillion, 3),
                pushers_cpu_seconds_per_million = Math.Round(pushersPerMillion, 3),
            });
        }
        finally
        {
            children.ForEach(ClusterMember.Stop);
        }
    }

    private static async Task SampleAsync(int obs, int act, int batch, int inFlight, double warmup, double seconds)
    {
        using var cluster = await LocalShardsAsync(2, obs, act, 200_000);
        for (int shard = 0; shard < 2; shard++) await cluster.FillAsync(shard, 100_000, obs, act);
        IActorRef[] shards = [.. cluster.Shards];
        long sampled = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(warmup + seconds));
        Task workers = Task.WhenAll(Enumerable.Range(0, inFlight).Select(async worker =>
        {
            var into = new TransitionBatch(batch, obs, act);
            for (int i = worker; !stop.IsCancellationRequested; i++)
            {
                SampledTransitions reply = await shards[i % shards.Length].Ask<SampledTransitions>(new SampleTransitions { Count = batch }, TimeSpan.FromSeconds(5));
                reply.Rows!.CopyTo(into); // as the learner does: into a preallocated minibatch
                Interlocked.Add(ref sampled, reply.Rows.Count);
            }
        }));
        await Task.Delay(TimeSpan.FromSeconds(warmup));
        long first = Interlocked.Read(ref sampled);
        using Process sampler = Process.GetCurrentProcess();
        TimeSpan shardsCpu0 = CpuTime(cluster.Processes), samplerCpu0 = CpuTime(sampler);
        var clock = Stopwatch.StartNew();
        await workers;
        double elapsed = clock.Elapsed.TotalSeconds;
        long rows = Interlocked.Read(ref sampled) - first;
        double rate = rows / elapsed;
        double shardsPerMillion = (CpuTime(cluster.Processes) - shardsCpu0).TotalSeconds / rows * 1e6;
        double samplerPerMillion = (CpuTime(sampler) - samplerCpu0).TotalSeconds / rows * 1e6;
        Console.Error.WriteLine($"sample: 2 shards, {inFlight} requests of {batch} rows in flight: {rate / 1e3:F0}K transitions/s; " +
            $"CPU per million rows: shards {shardsPerMillion:F2} s, sampler {samplerPerMillion:F2} s");
        Print(new
        {
            benchmark = "cluster-sample", obs, act, shards = 2, batch, in_flight = inFlight, seconds = Math.Round(elapsed, 2), transitions_per_second = Math.Round(rate),
            shards_cpu_seconds_per_million = Math.Round(shardsPerMillion, 3), sampler_cpu_seconds_per_million = Math.Round(samplerPerMillion, 3),
        });
    }

    /// <summary>The first broadcasts, not timed: they pay for connections and first-time compilation in every subscriber.</summary>
    private const int BroadcastWarmUp = 10;

    private static async Task BroadcastAsync(int obs, int act, int hidden, int subscribers)
    {
        const int Messages = 50;
        using var cluster = await LocalShardsAsync(1, obs, act, 1000);
        List<Process> children = [.. Enumerable.Range(0, subscribers).Select(_ => ClusterMember.StartSelf(["cluster-subscribe", "--seeds", cluster.Seeds, "--count", Messages.ToString()]))];
        try
        {
            await Task.WhenAll(children.Select(WaitReadyAsync));
            await Task.Delay(TimeSpan.FromSeconds(3)); // subscriptions spread by gossip
            var policy = new Mlp(new MlpShape(obs, act, [hidden, hidden], act, TanhOutput: true));
            policy.InitializeXavier(new Rng(1));
            IActorRef mediator = DistributedPubSub.Get(cluster.Member.System).Mediator;
            for (int i = 1; i <= BroadcastWarmUp + Messages; i++)
            {
                // Updates carries the publish time: every process reads the same clock.
                mediator.Tell(new Publish(Topics.Policy, new PolicyBroadcast(PolicyParameters.From(policy, (ulong)i, "bench", (ulong)DateTime.UtcNow.Ticks, "bench"))));
                await Task.Delay(100);
            }
            List<double> latencies = [];
            foreach (Process child in children)
            {
                string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                latencies.AddRange(JsonSerializer.Deserialize<double[]>(line ?? "[]") ?? []);
            }
            latencies.Sort();
            double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            long bytes = policy.Parameters.Length * sizeof(float);
            Console.Error.WriteLine($"broadcast: {hidden}x{hidden} ({bytes / 1024} KiB) to {subscribers} processes: p50 {P(0.5):F2} ms, p99 {P(0.99):F2} ms ({latencies.Count}/{Messages * subscribers} received)");
            Print(new { benchmark = "cluster-broadcast", hidden, parameter_bytes = bytes, subscribers, messages = Messages, received = latencies.Count,
                p50_ms = Math.Round(P(0.5), 3), p99_ms = Math.Round(P(0.99), 3) });
        }
        finally
        {
            children.ForEach(ClusterMember.Stop);
        }
    }

    private static async Task MemoryAsync(int obs, int act, int pushers, int rows, int window)
    {
        const int Capacity = 1_000_000;
        using var cluster = await LocalShardsAsync(1, obs, act, Capacity);
        await Task.Delay(TimeSpan.FromSeconds(2));
        long empty = ClusterMember.ResidentBytes(cluster.Processes[0].Id); // the runtime, Akka, Kestrel: what any shard costs
        List<Process> children = [.. Enumerable.Range(0, pushers).Select(_ => StartPusher(cluster, 0, obs, act, rows, window))];
        try
        {
            await Task.WhenAll(children.Select(WaitReadyAsync));
            var deadline = Stopwatch.StartNew();
            while ((await cluster.StatusAsync(0)).TotalInserted < Capacity && deadline.Elapsed < TimeSpan.FromMinutes(3)) await Task.Delay(200);
            children.ForEach(ClusterMember.Stop);
            await Task.Delay(TimeSpan.FromSeconds(2));
            ShardStatus status = await cluster.StatusAsync(0);
            long resident = ClusterMember.ResidentBytes(cluster.Processes[0].Id);
            long rowBytes = (long)status.Size * TransitionBlob.RowFloats(obs, act) * sizeof(float);
            Console.Error.WriteLine($"memory: shard holding {status.Size} rows ({rowBytes / 1e6:F0} MB of rows), {rows} rows per message: resident {resident / 1e6:F0} MB = {(double)resident / rowBytes:F2}× the rows; " +
                $"{empty / 1e6:F0} MB when empty, so the rows cost {(double)(resident - empty) / rowBytes:F2}× their size");
            Print(new { benchmark = "cluster-memory", obs, act, rows = status.Size, rows_per_message = rows, row_bytes = rowBytes, resident_bytes = resident, empty_resident_bytes = empty,
                ratio = Math.Round((double)resident / rowBytes, 3), ratio_over_empty = Math.Round((double)(resident - empty) / rowBytes, 3) });
        }
        finally
        {
            children.ForEach(ClusterMember.Stop);
        }
    }

    private static async Task<int> PushAsync(string seeds, int shardPort, int obs, int act, int rows, int window)
    {
        await using ClusterMember member = await ClusterMember.JoinAsync("actor", seeds);
        IActorRef shard = await member.ShardAsync(shardPort);
        var message = new InsertTransitions { Rows = RandomBlob(rows, obs, act, seed: (ulong)Environment.ProcessId) };
        using var credit = new SemaphoreSlim(window);
        Console.WriteLine("ready");
        while (true)
        {
            await credit.WaitAsync();
            _ = shard.Ask<InsertAck>(message, TimeSpan.FromSeconds(60)).ContinueWith(_ => credit.Release(), TaskScheduler.Default);
        }
    }

    private static async Task<int> SubscribeAsync(string seeds, int count)
    {
        await using ClusterMember member = await ClusterMember.JoinAsync("actor", seeds);
        var latencies = new ConcurrentQueue<double>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        member.System.ActorOf(Props.Create(() => new LatencySubscriber(latencies, count, done)));
        Console.WriteLine("ready");
        await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        Console.WriteLine(JsonSerializer.Serialize(latencies.ToArray()));
        return 0;
    }

    /// <summary>Swaps each policy into a network of its shape and records publish-to-swap milliseconds.</summary>
    private sealed class LatencySubscriber : ReceiveActor
    {
        private Mlp? _network;

        public LatencySubscriber(ConcurrentQueue<double> latencies, int count, TaskCompletionSource done)
        {
            Receive<PolicyParameters>(p =>
            {
                _network ??= new Mlp(p.Shape());
                p.Values.CopyTo(_network.Parameters);
                if (p.Version <= BroadcastWarmUp) return;
                latencies.Enqueue(TimeSpan.FromTicks(DateTime.UtcNow.Ticks - (long)p.Updates).TotalMilliseconds);
                if (latencies.Count >= count) done.TrySetResult();
            });
            Receive<SubscribeAck>(_ => { });
        }

        protected override void PreStart() => DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Topics.Policy, Self));
    }

    private static Process StartPusher(LocalShards cluster, int shard, int obs, int act, int rows, int window) =>
        ClusterMember.StartSelf(["cluster-push", "--seeds", cluster.Seeds, "--shard-port", cluster.Ports[shard].ToString(), "--obs", obs.ToString(),
            "--act", act.ToString(), "--rows", rows.ToString(), "--window", window.ToString()]);

    private static TimeSpan CpuTime(params IEnumerable<Process> processes) =>
        processes.Aggregate(TimeSpan.Zero, (sum, process) =>
        {
            process.Refresh();
            return sum + process.TotalProcessorTime;
        });

    private static async Task WaitReadyAsync(Process child)
    {
        string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
        if (line != "ready") throw new InvalidOperationException($"child {child.Id} said '{line}' instead of ready");
    }

    internal static TransitionBlob RandomBlob(int rows, int obs, int act, ulong seed)
    {
        var batch = new TransitionBatch(rows, obs, act) { Count = rows };
        var rng = new Rng(seed);
        foreach (float[] field in new[] { batch.Observations, batch.Actions, batch.Rewards, batch.NextObservations })
            for (int i = 0; i < field.Length; i++) field[i] = (float)rng.NextDouble();
        return TransitionBlob.From(batch);
    }

    private static async Task<LocalShards> LocalShardsAsync(int count, int obs, int act, int capacity)
    {
        int[] ports = [.. Enumerable.Range(0, count).Select(_ => ClusterMember.FreePort())];
        string seeds = $"127.0.0.1:{ports[0]}";
        string data = Path.Combine(Path.GetTempPath(), "softq-cluster-bench-" + Guid.NewGuid().ToString("N")[..8]);
        List<Process> processes = [.. ports.Select((port, i) => ClusterMember.StartShard(i, port, seeds, obs, act, capacity, data))];
        ClusterMember member = await ClusterMember.JoinAsync("learner", seeds);
        IActorRef[] shards = await Task.WhenAll(ports.Select(member.ShardAsync));
        return new LocalShards(member, processes, ports, shards, seeds, data);
    }

    private sealed record LocalShards(ClusterMember Member, List<Process> Processes, int[] Ports, IActorRef[] Shards, string Seeds, string DataDirectory) : IDisposable
    {
        public Task<ShardStatus> StatusAsync(int shard) => Shards[shard].Ask<ShardStatus>(ShardStatusRequest.Instance, TimeSpan.FromSeconds(10));

        public async Task FillAsync(int shard, int rows, int obs, int act)
        {
            var message = new InsertTransitions { Rows = RandomBlob(1000, obs, act, seed: (ulong)shard + 7) };
            for (int sent = 0; sent < rows; sent += 1000) await Shards[shard].Ask<InsertAck>(message, TimeSpan.FromSeconds(30));
        }

        public void Dispose()
        {
            Member.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Processes.ForEach(ClusterMember.Stop);
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Print(object figures) => Console.WriteLine(JsonSerializer.Serialize(figures));
}
