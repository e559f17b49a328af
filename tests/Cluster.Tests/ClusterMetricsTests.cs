using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using SoftQDistributed.Learner.Cluster;
using Grpc.Core;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>
/// Issues 6 and 13 against the live processes of a real <c>launch</c> cluster on loopback: 2 replay shards, the learner
/// and 2 actor nodes on MultiGoal with a small network, their HTTP URLs read from DIR/cluster.json; every wait bounded.
/// Since the roles talk over Akka.Remote, only the shards' gRPC edge exports <c>softq_rpc_*</c> series.
/// </summary>
public sealed partial class ClusterMetricsTests(ITestOutputHelper output)
{
    private const int Sigstop = 19;
    private const int Sigcont = 18;

    private static readonly TimeSpan Start = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The contract's learner, actor and replay series, by exported name (histograms by their _bucket series).</summary>
    private static readonly string[] LearnerSeries =
    [
        "softq_learner_updates_total", "softq_learner_skipped_updates_total", "softq_learner_q_loss", "softq_learner_bellman_error",
        "softq_learner_policy_surrogate", "softq_learner_parameter_version", "softq_learner_update_duration_seconds_bucket",
        "softq_learner_sample_wait_seconds_total", "softq_learner_eval_return", "softq_learner_env_steps",
        "softq_learner_policy_lag_versions", "softq_learner_episode_return", "process_start_time_seconds",
    ];

    private static readonly string[] ActorSeries =
    [
        "softq_actor_env_steps_total", "softq_actor_episodes_total", "softq_actor_episode_return_bucket", "softq_actor_policy_version",
        "softq_actor_policy_lag_versions", "softq_actor_push_duration_seconds_bucket", "softq_actor_buffered_transitions",
        "softq_actor_retried_transitions_total", "softq_actor_dropped_transitions_total", "softq_actor_pace_wait_seconds_total",
        "softq_actor_buffer_wait_seconds_total", "process_start_time_seconds", "softq_cluster_flow_in_flight_batches",
        "softq_cluster_flow_window_batches",
    ];

    private static readonly string[] ReplaySeries =
    [
        "softq_replay_size", "softq_replay_capacity", "softq_replay_inserted_transitions_total", "softq_replay_sampled_transitions_total",
        "softq_replay_rejected_total", "softq_replay_sample_wait_seconds_total", "softq_replay_snapshot_duration_seconds_bucket",
        "softq_replay_snapshot_last_success_timestamp_seconds", "softq_replay_snapshot_failures_total", "softq_replay_restored_transitions",
        "process_start_time_seconds", "softq_rpc_server_calls_total",
    ];

    /// <summary>The cluster's own series, on every role (serializer refusals only once a message was refused).</summary>
    private static readonly string[] ClusterSeries =
    [
        "softq_cluster_members", "softq_cluster_unreachable_members", "softq_cluster_self_status", "softq_cluster_learner_reachable",
        "softq_cluster_leader_present", "softq_cluster_membership_unchanged_seconds", "softq_cluster_dead_letters_total",
        "softq_cluster_mailbox_depth", "softq_cluster_sent_bytes_total", "softq_cluster_received_bytes_total",
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
        foreach (string name in LearnerSeries.Concat(ClusterSeries)) AssertHasSeries(learner, name, "role=\"learner\"");
        AssertHasSeries(learner, "softq_cluster_members", "member_role=\"replay\",status=\"up\",role=\"learner\"");
        AssertHasSeries(learner, "softq_cluster_mailbox_depth", "actor=\"learner/learner\",role=\"learner\"");
        Assert.Equal(2, Value(learner, "softq_cluster_members{member_role=\"replay\",status=\"up\",role=\"learner\"}"));
        Assert.Equal(2, Value(learner, "softq_cluster_members{member_role=\"actor\",status=\"up\",role=\"learner\"}"));
        Assert.Equal(1, Value(learner, "softq_cluster_learner_reachable{role=\"learner\"}"));
        Assert.True(Value(learner, "softq_cluster_received_bytes_total{manifest=\"rep\",role=\"learner\"}") > 0, learner);
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
            foreach (string name in ActorSeries.Concat(ClusterSeries)) AssertHasSeries(text, name, labels);
            Assert.True(Value(text, $"softq_cluster_sent_bytes_total{{manifest=\"ins\",{labels}}}") > 0, text);
            Assert.True(Value(text, $"softq_cluster_flow_window_batches{{{labels}}}") > 0, text);
            Assert.True(Value(text, $"softq_actor_env_steps_total{{{labels}}}") > 0, text);
            Assert.True(Value(text, $"softq_actor_policy_version{{{labels}}}") >= 1, text);
            Assert.True(Value(text, $"softq_actor_episodes_total{{{labels}}}") > 0, text);
            Assert.Equal(0, Value(text, $"softq_actor_dropped_transitions_total{{{labels}}}"));
        }

        foreach (ClusterMember shard in cluster.Shards)
        {
            string text = await PrometheusServer.ScrapeAsync(new Uri(shard.HttpUrl));
            await AssertPromtoolAcceptsAsync(text);
            foreach (string name in ReplaySeries.Concat(ClusterSeries)) AssertHasSeries(text, name, $"role=\"replay\",shard=\"{shard.Index}\"");
            AssertHasSeries(text, "softq_cluster_mailbox_depth", $"actor=\"replay-shard\",role=\"replay\",shard=\"{shard.Index}\"");
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
        expected.AddRange(LearnerSeries.Concat(ClusterSeries).Select(n => $"{n}{{job=\"softq-learner\",role=\"learner\"}}"));
        foreach (ClusterMember actor in cluster.Actors)
            expected.AddRange(ActorSeries.Concat(ClusterSeries).Select(n => $"{n}{{job=\"softq-actor\",role=\"actor\",node=\"{actor.Index}\"}}"));
        foreach (ClusterMember shard in cluster.Shards)
            expected.AddRange(ReplaySeries.Concat(ClusterSeries).Select(n => $"{n}{{job=\"softq-replay\",role=\"replay\",shard=\"{shard.Index}\"}}"));
        List<string> dashboard = ShippedQueries.DashboardExpressions();
        List<string> alerts = ShippedQueries.AlertExpressions();
        Assert.True(dashboard.Count >= 50, $"{dashboard.Count} dashboard expressions");
        Assert.Equal(14, alerts.Count);
        expected.AddRange(dashboard);
        // An alert's expression has data only while it fires; every series it reads must have data now.
        expected.AddRange(alerts.SelectMany(a => SeriesName().Matches(a).Select(m => m.Value)).Distinct());

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
        using (JsonDocument? deadLetters = await prometheus.QueryAsync("sum by (job) (softq_cluster_dead_letters_total)"))
            output.WriteLine($"dead letters by job: {deadLetters?.RootElement.GetProperty("data").GetProperty("result")}");

        Assert.Equal(0, await cluster.StopAsync());
    }

    [PrometheusToolFact(needsServer: true)]
    public async Task A_stopped_shard_is_unreachable_within_15_s_fires_the_alert_after_its_hold_and_clears_when_continued()
    {
        using var directory = new TestDirectory();
        // The resolver's stable-after far beyond the test: the stopped shard is only unreachable, never downed.
        await using LiveCluster cluster = await LiveCluster.StartAsync(Path.Combine(directory.Path, "cluster"), "--stable-after", "120");
        // The shipped rules with the unreachable alert's 30 s hold cut to 5 s, to keep the test short.
        string shipped = File.ReadAllText(RepositoryRoot.File("deploy", "prometheus", "alerts.yml"));
        string rules = Path.Combine(directory.Path, "alerts.yml");
        File.WriteAllText(rules, UnreachableHold().Replace(shipped, "${rule}5s", 1));
        Assert.NotEqual(shipped, File.ReadAllText(rules));
        await using PrometheusServer prometheus = PrometheusServer.Start(Path.Combine(directory.Path, "prometheus"), new Dictionary<string, IReadOnlyList<Uri>>
        {
            ["softq-learner"] = [cluster.Learner],
            ["softq-replay"] = [.. cluster.Shards.Select(s => new Uri(s.HttpUrl))],
            ["softq-actor"] = [.. cluster.Actors.Select(a => new Uri(a.HttpUrl))],
        }, rules);
        const string unreachable = "max by (member_role) (softq_cluster_unreachable_members{member_role=\"replay\"}) > 0";
        const string firing = "ALERTS{alertname=\"SoftQClusterMemberUnreachable\",alertstate=\"firing\",member_role=\"replay\"}";
        List<string> missing = await prometheus.WaitForDataAsync(["count(softq_cluster_unreachable_members{member_role=\"replay\"} == 0) == 5"], Patience);
        Assert.True(missing.Count == 0, $"the five members never all saw every shard reachable\n{prometheus.Log}");

        ClusterMember shard = cluster.Shards.Last();
        var stopped = Stopwatch.StartNew();
        Assert.Equal(0, Signal(shard.Pid, Sigstop));
        TimeSpan seen, fired;
        try
        {
            Assert.Empty(await prometheus.WaitForDataAsync([unreachable], TimeSpan.FromSeconds(15)));
            seen = stopped.Elapsed;
            Assert.Empty(await prometheus.WaitForDataAsync([firing], TimeSpan.FromSeconds(30)));
            fired = stopped.Elapsed;
        }
        finally
        {
            Signal(shard.Pid, Sigcont);
        }
        Assert.True(fired - seen >= TimeSpan.FromSeconds(4), $"unreachable at {seen.TotalSeconds:F1} s, the alert fired at {fired.TotalSeconds:F1} s: before its 5 s hold");

        // Continued: reachable again (not downed, not restarted), and the alert resolves.
        Assert.Empty(await prometheus.WaitForDataAsync(["absent(" + firing + ")", "count(softq_cluster_unreachable_members{member_role=\"replay\"} == 0) == 5"], Patience));
        Assert.True(ChildProcess.IsAlive(shard.Pid), "the continued shard exited");
        output.WriteLine($"shard SIGSTOP: unreachable in the series after {seen.TotalSeconds:F1} s, alert firing after {fired.TotalSeconds:F1} s; " +
            $"continued at {fired.TotalSeconds:F1} s, reachable and the alert resolved at {stopped.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(0, await cluster.StopAsync());
    }

    private static async Task AssertPromtoolAcceptsAsync(string text)
    {
        (int exitCode, string output) = await PrometheusServer.CheckMetricsAsync(text);
        Assert.True(exitCode == 0, $"promtool check metrics:\n{output}\n--- metrics ---\n{text}");
    }

    /// <summary>A sample of <paramref name="name"/> (or its histogram's) carrying every label pair of <paramref name="labels"/>, in any order.</summary>
    private static void AssertHasSeries(string text, string name, string labels)
    {
        string[] pairs = labels.Split(',');
        Assert.True(text.Split('\n').Any(l => l.StartsWith(name + "{", StringComparison.Ordinal) && pairs.All(p => l.Contains(p, StringComparison.Ordinal))),
            $"no {name}{{{labels},...}} in\n{text}");
    }

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

        public static async Task<LiveCluster> StartAsync(string directory, params string[] extra)
        {
            Directory.CreateDirectory(directory);
            var launch = LaunchProcess.Start(directory, [.. LaunchProcess.SmallRun, "--actors", "2", "--shards", "2", "--seed", "1", "--env-steps", "10000000", .. extra]);
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

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Signal(int pid, int signal);

    /// <summary>A metric name in an alert expression (<c>up</c> and prometheus-net's process series included).</summary>
    [GeneratedRegex(@"\b(softq|process)_[a-z0-9_]+|\bup\b")]
    private static partial Regex SeriesName();

    /// <summary>The hold of the SoftQClusterMemberUnreachable rule (<c>for: 30s</c>), its value cut off.</summary>
    [GeneratedRegex(@"(?<rule>alert: SoftQClusterMemberUnreachable\n(?:.*\n)*?\s+for: )30s")]
    private static partial Regex UnreachableHold();
}
