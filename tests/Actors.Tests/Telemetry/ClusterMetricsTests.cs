using System.Text.Json;
using SoftQDistributed.Actors.Tests.Integration;
using SoftQDistributed.ReplayService.Tests.Integration;
using SoftQDistributed.ReplayService.Tests.Telemetry;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;
using SoftQDistributed.Tests.Service;

namespace SoftQDistributed.Actors.Tests.Telemetry;

/// <summary>
/// Issue 6 against live processes on loopback: 2 replay shards, the learner (<c>serve</c>) and 2 actor nodes on
/// MultiGoal with a small network, every wait bounded.
/// </summary>
public sealed class ClusterMetricsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The contract's learner and actor series, by exported name (histograms by their _bucket series).</summary>
    private static readonly string[] LearnerSeries =
    [
        "softq_learner_updates_total", "softq_learner_skipped_updates_total", "softq_learner_q_loss", "softq_learner_bellman_error",
        "softq_learner_policy_surrogate", "softq_learner_parameter_version", "softq_learner_update_duration_seconds_bucket",
        "softq_learner_sample_wait_seconds_total", "softq_learner_eval_return", "softq_learner_env_steps",
        "softq_learner_policy_lag_versions", "softq_learner_episode_return", "softq_process_start_time_seconds",
        "softq_rpc_server_calls_total", "softq_rpc_client_calls_total", "softq_rpc_unauthenticated_total",
    ];

    private static readonly string[] ActorSeries =
    [
        "softq_actor_env_steps_total", "softq_actor_episodes_total", "softq_actor_episode_return_bucket", "softq_actor_policy_version",
        "softq_actor_policy_lag_versions", "softq_actor_push_duration_seconds_bucket", "softq_actor_buffered_transitions",
        "softq_actor_retried_transitions_total", "softq_actor_dropped_transitions_total", "softq_process_start_time_seconds",
        "softq_rpc_client_calls_total",
    ];

    private static readonly string[] ReplaySeries =
    [
        "softq_replay_size", "softq_replay_capacity", "softq_replay_inserted_transitions_total", "softq_replay_sampled_transitions_total",
        "softq_replay_rejected_total", "softq_replay_rate_limiter_blocked_seconds_total", "softq_replay_snapshot_duration_seconds_bucket",
        "softq_replay_snapshot_last_success_timestamp_seconds", "softq_replay_snapshot_failures_total", "softq_replay_restored_transitions",
        "softq_process_start_time_seconds", "softq_rpc_server_calls_total",
    ];

    [PrometheusToolFact]
    public async Task Learner_and_actor_metrics_pass_promtool_and_carry_the_contracts_series_and_labels()
    {
        using var dir = new TempDir();
        await using Cluster cluster = await Cluster.StartAsync(dir.Path);
        await cluster.TrainAndActAsync();

        string learner = await Eventually.ReturnsAsync(() => PrometheusServer.ScrapeAsync(cluster.Learner.Http),
            text => text.Contains("softq_learner_eval_return{", StringComparison.Ordinal) && text.Contains("softq_learner_episode_return{", StringComparison.Ordinal),
            "an evaluation and reported episodes in the learner's metrics", Patience, () => cluster.Learner.Output);
        await AssertPromtoolAcceptsAsync(learner);
        foreach (string name in LearnerSeries) AssertHasSeries(learner, name, "role=\"learner\"");
        Assert.True(Value(learner, "softq_learner_updates_total{role=\"learner\"}") > 0, learner);
        Assert.True(Value(learner, "softq_learner_parameter_version{role=\"learner\"}") >= 1, learner);
        Assert.True(Value(learner, "softq_learner_env_steps{role=\"learner\"}") > 0, learner);
        Assert.True(Value(learner, "softq_learner_update_duration_seconds_count{role=\"learner\"}") > 0, learner);

        for (int node = 1; node <= 2; node++)
        {
            ActorProcess actor = cluster.Actors[node - 1];
            string labels = $"role=\"actor\",node=\"{node}\"";
            string text = await Eventually.ReturnsAsync(() => PrometheusServer.ScrapeAsync(actor.Http),
                t => t.Contains("softq_actor_policy_lag_versions{", StringComparison.Ordinal) && t.Contains("softq_actor_push_duration_seconds_count{", StringComparison.Ordinal),
                $"node {node}'s lag and pushes in its metrics", Patience, () => actor.Output);
            await AssertPromtoolAcceptsAsync(text);
            foreach (string name in ActorSeries) AssertHasSeries(text, name, labels);
            Assert.True(Value(text, $"softq_actor_env_steps_total{{{labels}}}") > 0, text);
            Assert.True(Value(text, $"softq_actor_policy_version{{{labels}}}") >= 1, text);
            Assert.True(Value(text, $"softq_actor_episodes_total{{{labels}}}") > 0, text);
            Assert.Equal(0, Value(text, $"softq_actor_dropped_transitions_total{{{labels}}}"));
        }
    }

    [PrometheusToolFact(needsServer: true)]
    public async Task A_real_prometheus_server_scraping_a_live_cluster_has_data_for_every_dashboard_expression_and_evaluates_every_alert()
    {
        using var dir = new TempDir();
        await using Cluster cluster = await Cluster.StartAsync(Path.Combine(dir.Path, "cluster"));
        await using PrometheusServer prometheus = PrometheusServer.Start(Path.Combine(dir.Path, "prometheus"), new Dictionary<string, IReadOnlyList<Uri>>
        {
            ["softq-learner"] = [cluster.Learner.Http],
            ["softq-replay"] = [.. cluster.Shards.Select(s => s.Http)],
            ["softq-actor"] = [.. cluster.Actors.Select(a => a.Http)],
        });
        await cluster.TrainAndActAsync();

        var expected = new List<string> { "sum(up{job=~\"softq-.*\"}) == 5" };
        expected.AddRange(LearnerSeries.Select(n => $"{n}{{job=\"softq-learner\",role=\"learner\"}}"));
        for (int node = 1; node <= 2; node++)
            expected.AddRange(ActorSeries.Select(n => $"{n}{{job=\"softq-actor\",role=\"actor\",node=\"{node}\"}}"));
        for (int shard = 0; shard <= 1; shard++)
            expected.AddRange(ReplaySeries.Select(n => $"{n}{{job=\"softq-replay\",role=\"replay\",shard=\"{shard}\"}}"));
        List<string> dashboard = PrometheusServer.DashboardExpressions();
        List<string> alerts = PrometheusServer.AlertExpressions();
        Assert.True(dashboard.Count >= 40, $"{dashboard.Count} dashboard expressions");
        Assert.Equal(9, alerts.Count);
        expected.AddRange(dashboard);

        List<string> missing = await prometheus.WaitForDataAsync(expected, Patience);
        Assert.True(missing.Count == 0, $"no data within {Patience.TotalSeconds} s for:\n{string.Join('\n', missing)}\nprometheus log:\n{prometheus.Log}");

        // Alert rules: each expression is accepted by the query API, and the server evaluates every loaded rule with health ok.
        foreach (string expr in alerts)
        {
            using JsonDocument? answer = await prometheus.QueryAsync(expr);
            Assert.True(answer?.RootElement.GetProperty("status").GetString() == "success", $"{expr}: {answer?.RootElement}");
        }
        string[] unhealthy = await prometheus.UnhealthyRulesAsync(alerts.Count, TimeSpan.FromSeconds(20));
        Assert.True(unhealthy.Length == 0, string.Join('\n', unhealthy));
    }

    private static async Task AssertPromtoolAcceptsAsync(string text)
    {
        (int exitCode, string output) = await PrometheusServer.CheckMetricsAsync(text);
        Assert.True(exitCode == 0, $"promtool check metrics:\n{output}\n--- metrics ---\n{text}");
    }

    private static void AssertHasSeries(string text, string name, string labels) =>
        Assert.True(text.Contains($"\n{name}{{{labels}", StringComparison.Ordinal), $"no {name}{{{labels},...}} in\n{text}");

    private static double Value(string text, string series)
    {
        string line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no {series} in\n{text}");
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>2 shards, <c>serve</c> and 2 actor nodes (ids 1 and 2), started with the shared process helpers.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _started = [];

        public List<ShardProcess> Shards { get; } = [];

        public LearnerProcess Learner { get; private set; } = null!;

        public List<ActorProcess> Actors { get; } = [];

        public static async Task<Cluster> StartAsync(string directory)
        {
            var cluster = new Cluster();
            try
            {
                for (int id = 0; id < 2; id++)
                {
                    ShardProcess shard = await ShardProcess.StartAsync(Path.Combine(directory, "replay"), id, "--obs-dim", "2", "--act-dim", "2", "--capacity", "100000");
                    cluster._started.Add(shard);
                    cluster.Shards.Add(shard);
                }
                Directory.CreateDirectory(Path.Combine(directory, "learner"));
                cluster.Learner = await LearnerProcess.StartAsync(Path.Combine(directory, "learner"), null,
                    "--env", "multigoal", "--seed", "1", "--env-steps", "10000000", "--batch-size", "32", "--hidden", "32,32", "--eval-episodes", "2",
                    "--epoch-length", "100", "--checkpoint-interval", "0", "--threads", "1", "--out", Path.Combine(directory, "learner"),
                    "--replay", string.Join(",", cluster.Shards.Select(s => s.Grpc.ToString())));
                cluster._started.Add(cluster.Learner);
                for (int node = 1; node <= 2; node++)
                {
                    ActorProcess actor = await ActorProcess.StartAsync(cluster.Learner.Grpc, cluster.Shards.Select(s => s.Grpc), node);
                    cluster._started.Add(actor);
                    cluster.Actors.Add(actor);
                }
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        /// <summary>
        /// Waits (bounded) until the actors act and the learner updates, then gives every replay series data: a
        /// snapshot on each shard and one refused (too large) sample.
        /// </summary>
        public async Task TrainAndActAsync()
        {
            await Eventually.ReturnsAsync(() => PrometheusServer.ScrapeAsync(Learner.Http), text => text.Split('\n').Any(l => l.StartsWith("softq_learner_updates_total{", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal)),
                "learner updates", Patience, () => Learner.Output + "\n" + string.Join("\n", Actors.Select(a => a.Output)));
            foreach (ShardProcess shard in Shards)
            {
                using var client = new ReplayShardClient(shard.Grpc);
                await client.CheckpointAsync();
                await Assert.ThrowsAsync<RpcException>(async () =>
                {
                    await foreach (SampleResponse _ in client.SampleAsync(new SampleRequest { BatchSize = 1_000_000 })) { }
                });
            }
        }

        public async ValueTask DisposeAsync()
        {
            for (int i = _started.Count - 1; i >= 0; i--) await _started[i].DisposeAsync();
        }
    }
}
