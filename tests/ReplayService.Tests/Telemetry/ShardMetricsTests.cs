using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using SoftQDistributed.ReplayService.Tests.Integration;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Telemetry;

public sealed class ShardMetricsTests
{
    [Fact]
    public async Task Metrics_show_the_shards_traffic_with_role_and_shard_labels_on_both_ports()
    {
        using var dir = new TempDir();
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 4);
        await ExerciseAsync(shard);

        string text = await ScrapeAsync(shard.Http);

        const string labels = "role=\"replay\",shard=\"4\"";
        Assert.Contains($"softq_replay_size{{{labels}}} 10\n", text);
        Assert.Contains($"softq_replay_capacity{{{labels}}} 1000\n", text);
        Assert.Contains($"softq_replay_inserted_transitions_total{{{labels}}} 10\n", text);
        Assert.Contains($"softq_replay_sampled_transitions_total{{{labels}}} 6\n", text);
        Assert.Contains($"softq_replay_rejected_total{{{labels},reason=\"sample_too_large\"}} 1\n", text);
        Assert.Contains($"softq_replay_rate_limiter_blocked_seconds_total{{{labels},operation=\"insert\"}} ", text);
        Assert.Contains($"softq_replay_snapshot_duration_seconds_count{{{labels}}} 1\n", text);
        Assert.Contains($"softq_replay_snapshot_failures_total{{{labels}}} 0\n", text);
        Assert.Contains($"softq_replay_restored_transitions{{{labels}}} 0\n", text);
        Assert.Contains($"softq_rpc_server_calls_total{{{labels},method=\"softq.replay.v1.ReplayService/Insert\",status=\"OK\"}} 2\n", text);
        Assert.Contains($"softq_rpc_server_calls_total{{{labels},method=\"softq.replay.v1.ReplayService/Sample\",status=\"INVALID_ARGUMENT\"}} 1\n", text);
        Assert.Contains($"softq_rpc_unauthenticated_total{{{labels}}} 0\n", text);
        Assert.Contains($"softq_dotnet_gc_heap_total_allocated_bytes_total{{{labels}}} ", text);
        double snapshotAt = double.Parse(Line(text, $"softq_replay_snapshot_last_success_timestamp_seconds{{{labels}}} ").Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.InRange(snapshotAt, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 300, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);

        // The gRPC port serves it too (HTTP/2).
        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact, Timeout = TimeSpan.FromSeconds(10) };
        Assert.Contains($"softq_replay_size{{{labels}}} 10\n", await h2.GetStringAsync(new Uri(shard.Grpc, "/metrics")));
    }

    [Fact]
    public async Task A_restarted_shard_reports_the_rows_it_restored()
    {
        using var dir = new TempDir();
        await using (ShardProcess first = await ShardProcess.StartAsync(dir.Path))
        {
            using var client = new ReplayShardClient(first.Grpc);
            await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(7, 3, 2, 0)) });
            await first.TerminateAsync(); // final snapshot
        }
        await using ShardProcess second = await ShardProcess.StartAsync(dir.Path);
        string text = await ScrapeAsync(second.Http);
        Assert.Contains("softq_replay_restored_transitions{role=\"replay\",shard=\"0\"} 7\n", text);
        Assert.DoesNotContain("softq_replay_snapshot_last_success_timestamp_seconds{role=\"replay\",shard=\"0\"} 0\n", text);
    }

    [PrometheusToolFact]
    public async Task Promtool_accepts_a_real_shards_metrics()
    {
        using var dir = new TempDir();
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 1);
        await ExerciseAsync(shard);
        string text = await ScrapeAsync(shard.Http);

        (int exitCode, string output) = await RunAsync(PrometheusToolFactAttribute.Promtool, ["check", "metrics"], text);

        Assert.True(exitCode == 0, $"promtool check metrics:\n{output}\n--- metrics ---\n{text}");
    }

    [PrometheusToolFact(needsServer: true)]
    public async Task A_real_prometheus_server_scrapes_the_shard_and_its_replay_metrics_have_data()
    {
        using var dir = new TempDir();
        await using ShardProcess shard = await ShardProcess.StartAsync(Path.Combine(dir.Path, "data"), 2);
        await ExerciseAsync(shard);

        int port = FreePort();
        string config = Path.Combine(dir.Path, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: ["{ShippedFile("deploy", "prometheus", "alerts.yml")}"]
            scrape_configs:
              - job_name: softq-replay
                static_configs:
                  - targets: ["{shard.Http.Authority}"]
            """);
        var info = new ProcessStartInfo(PrometheusToolFactAttribute.Server)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir.Path, "tsdb")}",
                     $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=1h" })
            info.ArgumentList.Add(arg);
        using Process prometheus = Process.Start(info) ?? throw new InvalidOperationException("could not start prometheus");
        var log = new List<string>();
        prometheus.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        prometheus.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            var api = new Uri($"http://127.0.0.1:{port}/");
            string[] queries =
            [
                "up{job=\"softq-replay\"} == 1",
                "softq_replay_size{shard=\"2\"}",
                "softq_replay_capacity",
                "softq_replay_inserted_transitions_total",
                "softq_replay_sampled_transitions_total",
                "softq_replay_rejected_total{reason=\"sample_too_large\"}",
                "softq_replay_rate_limiter_blocked_seconds_total{operation=\"sample\"}",
                "softq_replay_snapshot_duration_seconds_bucket",
                "softq_replay_snapshot_last_success_timestamp_seconds",
                "softq_replay_snapshot_failures_total",
                "softq_replay_restored_transitions",
                "softq_rpc_server_calls_total{status=\"OK\"}",
            ];
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = Stopwatch.StartNew();
            var missing = new List<string>(queries);
            while (missing.Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(500);
                foreach (string query in missing.ToArray())
                    if (await HasDataAsync(http, api, query)) missing.Remove(query);
            }
            string logText;
            lock (log) logText = string.Join('\n', log.TakeLast(30));
            Assert.True(missing.Count == 0, $"no data within 60 s for: {string.Join(", ", missing)}\nprometheus log:\n{logText}");

            // Every shipped dashboard expression evaluates (the roles of issue 5 give the rest their data), and
            // every alert rule is evaluated without error.
            foreach (string expr in DashboardExpressions())
            {
                string body = await http.GetStringAsync(new Uri(api, "api/v1/query?query=" + Uri.EscapeDataString(expr)));
                Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() == "success", $"{expr}: {body}");
            }
            string[] unhealthy = [];
            for (int attempt = 0; attempt < 40; attempt++)
            {
                using JsonDocument rules = JsonDocument.Parse(await http.GetStringAsync(new Uri(api, "api/v1/rules")));
                var all = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
                    .SelectMany(g => g.GetProperty("rules").EnumerateArray())
                    .Select(r => (Name: r.GetProperty("name").GetString(), Health: r.GetProperty("health").GetString(), Error: r.TryGetProperty("lastError", out JsonElement e) ? e.GetString() : ""))
                    .ToList();
                Assert.True(all.Count >= 8, $"{all.Count} rules loaded");
                unhealthy = all.Where(r => r.Health != "ok").Select(r => $"{r.Name}: {r.Health} {r.Error}").ToArray();
                if (unhealthy.Length == 0) break;
                await Task.Delay(500);
            }
            Assert.True(unhealthy.Length == 0, string.Join('\n', unhealthy));
        }
        finally
        {
            if (!prometheus.HasExited)
            {
                prometheus.Kill();
                await prometheus.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
    }

    /// <summary>Two inserts (10 rows), a sample of 6 in two batches, a refused sample, and a snapshot.</summary>
    private static async Task ExerciseAsync(ShardProcess shard)
    {
        using var client = new ReplayShardClient(shard.Grpc);
        await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(4, 3, 2, 0)) });
        await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(6, 3, 2, 4)) });
        await foreach (SampleResponse _ in client.SampleAsync(new SampleRequest { BatchSize = 3, NumBatches = 2 })) { }
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (SampleResponse _ in client.SampleAsync(new SampleRequest { BatchSize = 1_000_000 })) { }
        });
        Assert.Equal(StatusCode.InvalidArgument, refused.Status);
        await client.CheckpointAsync();
    }

    private static async Task<string> ScrapeAsync(Uri http)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using HttpResponseMessage response = await client.GetAsync(new Uri(http, "/metrics"));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0.0.4", response.Content.Headers.ContentType?.Parameters.Single(p => p.Name == "version").Value);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<bool> HasDataAsync(HttpClient http, Uri api, string query)
    {
        try
        {
            string body = await http.GetStringAsync(new Uri(api, "api/v1/query?query=" + Uri.EscapeDataString(query)));
            using JsonDocument json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("status").GetString() == "success"
                && json.RootElement.GetProperty("data").GetProperty("result").GetArrayLength() > 0;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private static string ShippedFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoftQDistributed.sln"))) return Path.Combine([dir.FullName, .. parts]);
        throw new InvalidOperationException($"no SoftQDistributed.sln above {AppContext.BaseDirectory}");
    }

    private static IEnumerable<string> DashboardExpressions()
    {
        using JsonDocument dashboard = JsonDocument.Parse(File.ReadAllText(ShippedFile("deploy", "grafana", "dashboard.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();
    }

    private static string Line(string text, string prefix) =>
        text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no line starting with {prefix}\n{text}");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string standardInput)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await error);
    }
}
