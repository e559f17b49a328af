using System.Text.Json;
using System.Text.RegularExpressions;
using SoftQDistributed.Tests.Telemetry;

namespace SoftQDistributed.Tests.Deploy;

/// <summary>
/// The shipped Prometheus, alerting, Grafana, compose and Kubernetes files, checked with the tools that own their
/// formats (promtool, docker-compose, yamllint, kubernetes-models); each test is skipped when its tool is absent.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    /// <summary>The names the roles export (the README's metrics section) (the runtime's softq_dotnet_* and Prometheus' up come on top).</summary>
    private static readonly HashSet<string> ContractMetrics =
    [
        "softq_learner_updates_total", "softq_learner_skipped_updates_total", "softq_learner_q_loss", "softq_learner_bellman_error",
        "softq_learner_policy_surrogate", "softq_learner_parameter_version", "softq_learner_update_duration_seconds",
        "softq_learner_sample_wait_seconds_total", "softq_learner_eval_return", "softq_learner_env_steps",
        "softq_learner_policy_lag_versions", "softq_learner_episode_return",
        "softq_replay_size", "softq_replay_capacity", "softq_replay_inserted_transitions_total", "softq_replay_sampled_transitions_total",
        "softq_replay_rejected_total", "softq_replay_rate_limiter_blocked_seconds_total", "softq_replay_snapshot_duration_seconds",
        "softq_replay_snapshot_last_success_timestamp_seconds", "softq_replay_snapshot_failures_total", "softq_replay_restored_transitions",
        "softq_actor_env_steps_total", "softq_actor_episodes_total", "softq_actor_episode_return", "softq_actor_policy_version",
        "softq_actor_policy_lag_versions", "softq_actor_push_duration_seconds", "softq_actor_buffered_transitions",
        "softq_actor_retried_transitions_total", "softq_actor_dropped_transitions_total",
        "softq_rpc_server_calls_total", "softq_rpc_client_calls_total", "softq_rpc_unauthenticated_total",
        "softq_process_start_time_seconds", // every role (Shared/Telemetry/ProcessMetrics.cs): restarts
        "up",
    ];

    /// <summary>The runtime's instruments this project's dashboard uses, by their exported names.</summary>
    private static readonly HashSet<string> RuntimeMetrics =
        ["softq_dotnet_process_cpu_time_seconds_total", "softq_dotnet_process_memory_working_set_bytes", "softq_dotnet_gc_collections_total"];

    [ToolFact("promtool", "install the Debian package prometheus")]
    public async Task Promtool_accepts_the_alert_rules()
    {
        (int exitCode, string output) = await ExternalTool.RunAsync("promtool", ["check", "rules", RepositoryRoot.File("deploy", "prometheus", "alerts.yml")]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [ToolFact("promtool", "install the Debian package prometheus")]
    public async Task Promtool_accepts_the_local_and_compose_scrape_configurations()
    {
        foreach (string file in new[] { "prometheus.yml", "compose.yml" })
        {
            (int exitCode, string output) = await ExternalTool.RunAsync("promtool", ["check", "config", RepositoryRoot.File("deploy", "prometheus", file)]);
            Assert.True(exitCode == 0, $"{file}:\n{output}");
        }
    }

    [ToolFact("promtool", "install the Debian package prometheus")]
    public async Task Promtool_accepts_the_kubernetes_scrape_configuration()
    {
        string config = RepositoryRoot.File("deploy", "prometheus", "kubernetes.yml");
        (int exitCode, string output) = await ExternalTool.RunAsync("promtool", ["check", "config", config]);
        if (exitCode != 0 && output.Contains("field kubernetes_sd_configs not found", StringComparison.Ordinal))
        {
            // Debian builds Prometheus without Kubernetes discovery: check everything else, with the discovery
            // block swapped for a static target (the relabelling rules and the rule file are still checked).
            using var temp = new TestDirectory();
            string dir = temp.Path;
            File.Copy(RepositoryRoot.File("deploy", "prometheus", "alerts.yml"), Path.Combine(dir, "alerts.yml"));
            string text = KubernetesDiscovery().Replace(await File.ReadAllTextAsync(config), "    static_configs:\n      - targets: [\"127.0.0.1:8080\"]\n");
            Assert.DoesNotContain("kubernetes_sd_configs", text);
            await File.WriteAllTextAsync(Path.Combine(dir, "kubernetes.yml"), text);
            (exitCode, output) = await ExternalTool.RunAsync("promtool", ["check", "config", Path.Combine(dir, "kubernetes.yml")]);
        }
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void Dashboard_and_alerts_use_only_the_contracts_metric_names()
    {
        var expressions = ShippedQueries.DashboardExpressions().Concat(ShippedQueries.AlertExpressions()).ToList();
        Assert.True(expressions.Count > 30, $"only {expressions.Count} expressions found");
        var unknown = new List<string>();
        foreach (string expr in expressions)
        {
            foreach (Match m in MetricName().Matches(expr))
            {
                string name = m.Value;
                string family = Regex.Replace(name, "_(bucket|sum|count)$", "");
                if (!ContractMetrics.Contains(name) && !ContractMetrics.Contains(family) && !RuntimeMetrics.Contains(name)) unknown.Add($"{name} in {expr}");
            }
        }
        Assert.True(unknown.Count == 0, string.Join('\n', unknown));
    }

    [Fact]
    public void The_kubernetes_dashboard_configmap_holds_the_dashboard_json()
    {
        string[] lines = File.ReadAllLines(RepositoryRoot.File("k8s", "grafana-dashboard-configmap.yaml"));
        int start = Array.FindIndex(lines, l => l == "  softq.json: |") + 1;
        Assert.True(start > 0, "no softq.json block");
        string embedded = string.Join('\n', lines[start..].Select(l => l.Length >= 4 ? l[4..] : l)) + "\n";
        Assert.True(embedded == File.ReadAllText(RepositoryRoot.File("deploy", "grafana", "dashboard.json")),
            "k8s/grafana-dashboard-configmap.yaml is out of date: run deploy/grafana/sync-k8s-dashboard.sh");
    }

    [ToolFact("docker-compose", "install the Debian package docker-compose")]
    public async Task Docker_compose_accepts_the_compose_file()
    {
        (int exitCode, string output) = await ExternalTool.RunAsync("docker-compose", ["-f", RepositoryRoot.File("docker-compose.yml"), "config", "-q"],
            workingDirectory: RepositoryRoot.Path);
        Assert.True(exitCode == 0, output);
    }

    [ToolFact("yamllint", "install the Debian package yamllint")]
    public async Task Yamllint_accepts_every_yaml_file_shipped()
    {
        (int exitCode, string output) = await ExternalTool.RunAsync("yamllint", ["-c", ".yamllint.yml", "-f", "parsable", "docker-compose.yml", "deploy", "k8s"],
            workingDirectory: RepositoryRoot.Path);
        Assert.True(exitCode == 0, output);
    }

    [ToolFact("node npm", "install the Debian packages nodejs and npm; the test installs kubernetes-models@5.1.0 under tests/k8s-validate")]
    public async Task Every_kubernetes_object_validates_and_every_file_is_in_a_kustomization()
    {
        string dir = RepositoryRoot.File("tests", "k8s-validate");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "kubernetes-models")))
        {
            (int installed, string log) = await ExternalTool.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], workingDirectory: dir, within: TimeSpan.FromMinutes(5));
            Assert.True(installed == 0, $"npm ci in {dir} failed (no registry?):\n{log}");
        }
        (int exitCode, string output) = await ExternalTool.RunAsync("node", ["validate.mjs", RepositoryRoot.File("k8s")], workingDirectory: dir);
        Assert.True(exitCode == 0, output);
        foreach (string kind in new[] { "Namespace", "ConfigMap softq-settings", "Secret", "StatefulSet", "Deployment learner", "Deployment actor",
                     "HorizontalPodAutoscaler", "PersistentVolumeClaim", "Service replay", "Service learner", "ServiceMonitor", "ConfigMap softq-grafana-dashboard" })
            Assert.Contains(kind, output);
    }

    [ToolFact("sh", "a POSIX shell")]
    public async Task The_image_entrypoint_adds_container_defaults_and_derives_the_shard_id_from_the_pod_ordinal()
    {
        using var temp = new TestDirectory();
        string dir = temp.Path;
        // A stand-in `dotnet` that prints what it would run.
        string fake = Path.Combine(dir, "dotnet");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\necho \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        string script = RepositoryRoot.File("deploy", "docker", "softq-entrypoint.sh");
        string path = dir + ":" + Environment.GetEnvironmentVariable("PATH");

        (int code, string replay) = await ExternalTool.RunAsync("env", ["PATH=" + path, "HOSTNAME=replay-3", "sh", script, "replay", "--data-dir", "/data"]);
        Assert.Equal(0, code);
        Assert.Equal("/app/replay/SoftQDistributed.ReplayService.dll --data-dir /data --host 0.0.0.0 --port 50051 --http-port 8080 --shard-id 3", replay.Trim());

        (code, string learner) = await ExternalTool.RunAsync("env", ["PATH=" + path, "sh", script, "learner", "serve", "--replay", "http://r:1", "--port", "7"]);
        Assert.Equal(0, code);
        Assert.Equal("/app/learner/SoftQDistributed.Learner.dll serve --replay http://r:1 --port 7 --host 0.0.0.0 --http-port 8080", learner.Trim());

        (code, string actor) = await ExternalTool.RunAsync("env", ["PATH=" + path, "sh", script, "actor", "--envs", "4"]);
        Assert.Equal(0, code);
        Assert.Matches(@"^/app/actor/SoftQDistributed\.Actors\.dll --envs 4 --host 0\.0\.0\.0 --http-port 8080 --node-id \d+$", actor.Trim());

        (code, _) = await ExternalTool.RunAsync("env", ["PATH=" + path, "sh", script, "painter"]);
        Assert.Equal(2, code);
    }

    [GeneratedRegex(@"\bsoftq_[a-z0-9_]+|\bup\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"    kubernetes_sd_configs:\n(      .*\n)+")]
    private static partial Regex KubernetesDiscovery();
}
