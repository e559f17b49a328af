using System.Globalization;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using SoftQDistributed.ReplayService.Tests.Integration;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Telemetry;

public sealed class ShardMetricsTests
{
    [Fact]
    public async Task Metrics_show_the_shards_traffic_with_role_and_shard_labels_on_both_ports()
    {
        using var dir = new TestDirectory();
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 4);
        await ExerciseAsync(shard);

        string text = await PrometheusServer.ScrapeAsync(shard.Http);

        const string labels = "role=\"replay\",shard=\"4\"";
        Assert.Contains($"softq_replay_size{{{labels}}} 10\n", text);
        Assert.Contains($"softq_replay_capacity{{{labels}}} 1000\n", text);
        Assert.Contains($"softq_replay_inserted_transitions_total{{{labels}}} 10\n", text);
        Assert.Contains($"softq_replay_sampled_transitions_total{{{labels}}} 6\n", text);
        Assert.Contains($"softq_replay_rejected_total{{reason=\"sample_too_large\",{labels}}} 1\n", text);
        Assert.Contains($"softq_replay_sample_wait_seconds_total{{{labels}}} ", text);
        Assert.Contains($"softq_replay_snapshot_duration_seconds_count{{{labels}}} 1\n", text);
        Assert.Contains($"softq_replay_snapshot_failures_total{{{labels}}} 0\n", text);
        Assert.Contains($"softq_replay_restored_transitions{{{labels}}} 0\n", text);
        Assert.Contains($"softq_rpc_server_calls_total{{method=\"softq.replay.v1.ReplayService/Insert\",status=\"OK\",{labels}}} 2\n", text);
        Assert.Contains($"softq_rpc_server_calls_total{{method=\"softq.replay.v1.ReplayService/Sample\",status=\"INVALID_ARGUMENT\",{labels}}} 1\n", text);
        Assert.Contains($"softq_rpc_unauthenticated_total{{{labels}}} 0\n", text);
        Assert.Contains($"process_cpu_seconds_total{{{labels}}} ", text);
        double snapshotAt = double.Parse(Line(text, $"softq_replay_snapshot_last_success_timestamp_seconds{{{labels}}} ").Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.InRange(snapshotAt, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 300, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);

        // The gRPC port serves it too (HTTP/2).
        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact, Timeout = TimeSpan.FromSeconds(10) };
        Assert.Contains($"softq_replay_size{{{labels}}} 10\n", await h2.GetStringAsync(new Uri(shard.Grpc, "/metrics")));
    }

    [Fact]
    public async Task A_restarted_shard_reports_the_rows_it_restored()
    {
        using var dir = new TestDirectory();
        await using (ShardProcess first = await ShardProcess.StartAsync(dir.Path))
        {
            using var client = new ReplayShardClient(first.Grpc);
            await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(7, 3, 2, 0)) });
            Assert.Equal(0, await first.TerminateAsync()); // final snapshot
        }
        await using ShardProcess second = await ShardProcess.StartAsync(dir.Path);
        string text = await PrometheusServer.ScrapeAsync(second.Http);
        Assert.Contains("softq_replay_restored_transitions{role=\"replay\",shard=\"0\"} 7\n", text);
        Assert.DoesNotContain("softq_replay_snapshot_last_success_timestamp_seconds{role=\"replay\",shard=\"0\"} 0\n", text);
    }

    [PrometheusToolFact]
    public async Task Promtool_accepts_a_real_shards_metrics()
    {
        using var dir = new TestDirectory();
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 1);
        await ExerciseAsync(shard);
        string text = await PrometheusServer.ScrapeAsync(shard.Http);

        (int exitCode, string output) = await PrometheusServer.CheckMetricsAsync(text);

        Assert.True(exitCode == 0, $"promtool check metrics:\n{output}\n--- metrics ---\n{text}");
    }

    [PrometheusToolFact(needsServer: true)]
    public async Task A_real_prometheus_server_scrapes_the_shard_and_its_replay_metrics_have_data()
    {
        using var dir = new TestDirectory();
        await using ShardProcess shard = await ShardProcess.StartAsync(Path.Combine(dir.Path, "data"), 2);
        await ExerciseAsync(shard);

        await using PrometheusServer prometheus = PrometheusServer.Start(Path.Combine(dir.Path, "prometheus"),
            new Dictionary<string, IReadOnlyList<Uri>> { ["softq-replay"] = [shard.Http] });
        string[] queries =
        [
            "up{job=\"softq-replay\"} == 1",
            "softq_replay_size{shard=\"2\"}",
            "softq_replay_capacity",
            "softq_replay_inserted_transitions_total",
            "softq_replay_sampled_transitions_total",
            "softq_replay_rejected_total{reason=\"sample_too_large\"}",
            "softq_replay_sample_wait_seconds_total",
            "softq_replay_snapshot_duration_seconds_bucket",
            "softq_replay_snapshot_last_success_timestamp_seconds",
            "softq_replay_snapshot_failures_total",
            "softq_replay_restored_transitions",
            "softq_rpc_server_calls_total{status=\"OK\"}",
        ];
        List<string> missing = await prometheus.WaitForDataAsync(queries, TimeSpan.FromSeconds(60));
        Assert.True(missing.Count == 0, $"no data within 60 s for: {string.Join(", ", missing)}\nprometheus log:\n{prometheus.Log}");

        // Every shipped dashboard expression evaluates (the roles of issue 5 give the rest their data), and
        // every alert rule is evaluated without error.
        foreach (string expr in ShippedQueries.DashboardExpressions())
        {
            using JsonDocument? answer = await prometheus.QueryAsync(expr);
            Assert.True(answer?.RootElement.GetProperty("status").GetString() == "success", $"{expr}: {answer?.RootElement}");
        }
        string[] unhealthy = await prometheus.UnhealthyRulesAsync(8, TimeSpan.FromSeconds(20));
        Assert.True(unhealthy.Length == 0, string.Join('\n', unhealthy));
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
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        await client.CheckpointAsync();
    }

    private static string Line(string text, string prefix) =>
        text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no line starting with {prefix}\n{text}");
}
