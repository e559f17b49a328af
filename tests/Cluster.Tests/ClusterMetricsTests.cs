using System.Text.Json;
using SoftQDistributed.Learner.Cluster;
using Grpc.Core;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>
/// Issue 6 against the live processes of a real <c>launch</c> cluster on loopback: 2 replay shards, the learner and
/// 2 actor nodes on MultiGoal with a small network, their HTTP URLs read from DIR/cluster.json; every wait bounded.
/// Since the roles talk over Akka.Remote, only the shards' gRPC edge exports <c>softq_rpc_*</c> series.
/// </summary>
public sealed class ClusterMetricsTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The contract's learner, actor and replay series, by exported name (histograms by their _bucket series).</summary>
    private static readonly string[] LearnerSeries =
    [
        "softq_learner_updates_total", "softq_learner_skipped_updates_total", "softq_learner_q_loss", "softq_learner_bellman_error",
        "softq_learner_policy_surrogate", "softq_learner_parameter_version", "softq_learner_update_duration_seconds_bucket",
        "softq_learner_sample_wait_seconds_total", "softq_learner_eval_return", "softq_learner_env_steps",
        "softq_learner_policy_lag_versions", "softq_learner_episode_return", "softq_process_start_time_seconds",
    ];

    private static readonly string[] ActorSeries =
    [
        "softq_actor_env_steps_total", "softq_actor_episodes_total", "softq_actor_episode_return_bucket", "softq_actor_policy_version",
        "softq_actor_policy_lag_versions", "softq_actor_push_duration_seconds_bucket", "softq_actor_buffered_transitions",
        "softq_actor_retried_transitions_total", "softq_actor_dropped_transitions_total", "softq_actor_pace_wait_seconds_total",
        "softq_actor_buffer_wait_seconds_total", "softq_process_start_time_seconds",
    ];

    private static readonly string[] ReplaySeries =
    [
        "softq_replay_size", "softq_replay_capacity", "softq_replay_inserted_transitions_total", "softq_replay_sampled_transitions_total",
        "softq_replay_rejected_total", "softq_replay_rate_limiter_blocked_seconds_total", "softq_replay_snapshot_duration_seconds_bucket",
        "softq_replay_snapshot_last_success_timestamp_seconds", "softq_replay_snapshot_failures_total", "softq_replay_restored_transitions",
        "softq_process_start_time_seconds", "softq_rpc_server_calls_total",
    ];

    [PrometheusToolFact]
    public async Task Every_roles_metrics_pass_promtool_and_carry_the_contracts_series_and_labels()
    {
        using var directory = new TestDirectory();
        await using LiveCluster cluster = await LiveCluster.StartAsync(directory.Path);
        await cluster.TrainAndActAsync();

        string learner = await Eventually.ReturnsAsync(() => PrometheusServer.ScrapeAsync(cluster.Learner),
            text => text.Contains("softq_learner_eval_return{", StringComparison.Ordinal) && text.Contains("softq_learner_episode_return{", StringComparison.Ordinal),
            "an evaluation and reported episodes in the learner's metrics", Patience, () => cluster.Launch.Log("learner", 0));
        await AssertPromtoolAcceptsAsync(learner);
        foreach (string name in LearnerSeries) AssertHasSeries(learner, name, "role=\"learner\"");
        Assert.True(Value(learner, "softq_learner_updates_total{role=\"learner\"}") > 0, learner);
        Assert.True(Value(learner, "softq_learner_parameter_version{role=\"learner\"}") >= 1, learner);
        Assert.True(Value(learner, "softq_learner_env_steps{role=\"learner\"}") > 0, learner);
        Assert.True(Value(learner, "softq_learner_update_duration_seconds_count{role=\"learner\"}") > 0, learner);

        foreach (ClusterMember actor in cluster.Actors)
        {
            string labels = $"role=\"actor\",node=\"{actor.Index}\"";
            string text = await Eventually.ReturnsAsync(() => PrometheusServer.ScrapeAsync(new Uri(actor.HttpUrl)),
                t => t.Contains("softq_actor_policy_lag_versions{", StringComparison.Ordinal) && t.Contains("softq_actor_push_duration_seconds_count{", StringComparison.Ordinal),
                $"node {actor.Index}'s lag and pushes in its metrics", Patience, () => cluster.Launch.Log("actor", actor.Index));
            await AssertPromtoolAcceptsAsync(text);
            foreach (string name in ActorSeries) AssertHasSeries(text, name, labels);
            Assert.True(Value(text, $"softq_actor_env_steps_total{{{labels}}}") > 0, text);
            Assert.True(Value(text, $"softq_actor_policy_version{{{labels}}}") >= 1, text);
            Assert.True(Value(text, $"softq_actor_episodes_total{{{labels}}}") > 0, text);
            Assert.Equal(0, Value(text, $"softq_actor_dropped_transitions_total{{{labels}}}"));
        }

        foreach (ClusterMember shard in cluster.Shards)
        {
            string text = await PrometheusServer.ScrapeAsync(new Uri(shard.HttpUrl));
            await AssertPromtoolAcceptsAsync(text);
            foreach (string name in ReplaySeries) AssertHasSeries(text, name, $"role=\"replay\",shard=\"{shard.Index}\"");
        }

        Assert.Equal(0, await cluster.StopAsync());
    }

    [PrometheusToolFact(needsServer: true)]
    public async Task A_real_prometheus_server_scraping_a_live_cluster_has_data_for_every_dashboard_expression_and_evaluates_every_alert()
    {
        using var directory = new TestDirectory();
        await using LiveCluster cluster = await LiveCluster.StartAsync(Path.Combine(directory.Path, "cluster"));
        await using PrometheusServer prometheus = PrometheusServer.Start(Path.Combine(directory.Path, "prometheus"), new Dictionary<string, IReadOnlyList<Uri>>
        {
            ["softq-learner"] = [cluster.Learner],
            ["softq-replay"] = [.. cluster.Shards.Select(s => new Uri(s.HttpUrl))],
            ["softq-actor"] = [.. cluster.Actors.Select(a => new Uri(a.HttpUrl))],
        });
        await cluster.TrainAndActAsync();

        var expected = new List<string> { "sum(up{job=~\"softq-.*\"}) == 5" };
        expected.AddRange(LearnerSeries.Select(n => $"{n}{{job=\"softq-learner\",role=\"learner\"}}"));
        foreach (ClusterMember actor in cluster.Actors)
            expected.AddRange(ActorSeries.Select(n => $"{n}{{job=\"softq-actor\",role=\"actor\",node=\"{actor.Index}\"}}"));
        foreach (ClusterMember shard in cluster.Shards)
            expected.AddRange(ReplaySeries.Select(n => $"{n}{{job=\"softq-replay\",role=\"replay\",shard=\"{shard.Index}\"}}"));
        List<string> dashboard = ShippedQueries.DashboardExpressions();
        List<string> alerts = ShippedQueries.AlertExpressions();
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

        Assert.Equal(0, await cluster.StopAsync());
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

    /// <summary>
    /// <c>launch</c> with 2 shards, the learner and 2 actor nodes and a budget far beyond the test (it is stopped with
    /// SIGTERM), its processes as cluster.json lists them.
    /// </summary>
    private sealed class LiveCluster : IAsyncDisposable
    {
        private LiveCluster(LaunchProcess launch, IReadOnlyList<ClusterMember> members)
        {
            Launch = launch;
            Members = members;
        }

        public LaunchProcess Launch { get; }

        public IReadOnlyList<ClusterMember> Members { get; }

        public Uri Learner => new(Members.Single(m => m.Role == "learner").HttpUrl);

        public IEnumerable<ClusterMember> Shards => Members.Where(m => m.Role == "shard");

        public IEnumerable<ClusterMember> Actors => Members.Where(m => m.Role == "actor");

        public static async Task<LiveCluster> StartAsync(string directory)
        {
            Directory.CreateDirectory(directory);
            var launch = LaunchProcess.Start(directory, [.. LaunchProcess.SmallRun, "--actors", "2", "--shards", "2", "--seed", "1", "--env-steps", "10000000"]);
            try
            {
                IReadOnlyList<ClusterMember> members = await launch.MembersAsync(Start);
                Assert.Equal(["shard", "shard", "learner", "actor", "actor"], members.Select(m => m.Role));
                return new LiveCluster(launch, members);
            }
            catch
            {
                await launch.DisposeAsync();
                throw;
            }
        }

        /// <summary>
        /// Waits (bounded) until the actors act and the learner updates, then gives every replay series data: a
        /// snapshot on each shard and one refused (too large) sample.
        /// </summary>
        public async Task TrainAndActAsync()
        {
            await Eventually.ReturnsAsync(() => PrometheusServer.ScrapeAsync(Learner), text => text.Split('\n').Any(l => l.StartsWith("softq_learner_updates_total{", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal)),
                "learner updates", Patience, () => Launch.Stderr);
            foreach (ClusterMember shard in Shards)
            {
                using var client = new ReplayShardClient(new Uri(shard.RpcUrl!), new ReplayChannelOptions(AuthToken: LaunchProcess.Token));
                await client.CheckpointAsync(new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)));
                await Assert.ThrowsAsync<RpcException>(async () =>
                {
                    await foreach (SampleResponse _ in client.SampleAsync(new SampleRequest { BatchSize = 1_000_000 })) { }
                });
            }
        }

        /// <summary>SIGTERM to launch, which stops every child gracefully; its exit code (bounded wait).</summary>
        public async Task<int> StopAsync()
        {
            ChildProcess.Terminate(Launch.Pid);
            (int exitCode, _) = await Launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
            return exitCode;
        }

        public ValueTask DisposeAsync() => Launch.DisposeAsync();
    }
}
