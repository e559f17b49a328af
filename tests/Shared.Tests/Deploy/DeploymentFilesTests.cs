using System.Text.Json;
using System.Text.RegularExpressions;

namespace SoftQDistributed.Tests.Deploy;

/// <summary>
/// The shipped Prometheus, alerting, Grafana, compose and Kubernetes files, checked with the tools that own their
/// formats (promtool, docker-compose, yamllint, kubernetes-models); each test is skipped when its tool is absent.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    /// <summary>The names the roles export (docs/DEPLOYMENT.md's metrics section) (prometheus-net's runtime series and Prometheus' up come on top).</summary>
    private static readonly HashSet<string> ContractMetrics =
    [
        "softq_learner_updates_total", "softq_learner_skipped_updates_total", "softq_learner_q_loss", "softq_learner_bellman_error",
        "softq_learner_policy_surrogate", "softq_learner_parameter_version", "softq_learner_update_duration_seconds",
        "softq_learner_sample_wait_seconds_total", "softq_learner_eval_return", "softq_learner_env_steps",
        "softq_learner_policy_lag_versions", "softq_learner_episode_return",
        "softq_replay_size", "softq_replay_capacity", "softq_replay_inserted_transitions_total", "softq_replay_sampled_transitions_total",
        "softq_replay_rejected_total", "softq_replay_sample_wait_seconds_total", "softq_replay_snapshot_duration_seconds",
        "softq_replay_snapshot_last_success_timestamp_seconds", "softq_replay_snapshot_failures_total", "softq_replay_restored_transitions",
        "softq_actor_env_steps_total", "softq_actor_episodes_total", "softq_actor_episode_return", "softq_actor_policy_version",
        "softq_actor_policy_lag_versions", "softq_actor_push_duration_seconds", "softq_actor_buffered_transitions",
        "softq_actor_retried_transitions_total", "softq_actor_dropped_transitions_total",
        "softq_rpc_server_calls_total", "softq_rpc_unauthenticated_total", "softq_actor_pace_wait_seconds_total", "softq_actor_buffer_wait_seconds_total",
        "softq_cluster_members", "softq_cluster_unreachable_members", "softq_cluster_self_status", "softq_cluster_learner_reachable",
        "softq_cluster_leader_present", "softq_cluster_membership_unchanged_seconds", "softq_cluster_dead_letters_total",
        "softq_cluster_mailbox_depth", "softq_cluster_flow_in_flight_batches", "softq_cluster_flow_window_batches",
        "softq_cluster_serializer_refusals_total", "softq_cluster_sent_bytes_total", "softq_cluster_received_bytes_total",
        "up",
    ];

    /// <summary>prometheus-net's runtime and process series (its DotNetStats collector) the dashboard and alerts use.</summary>
    private static readonly HashSet<string> RuntimeMetrics =
        ["process_cpu_seconds_total", "process_working_set_bytes", "dotnet_collection_count_total", "process_start_time_seconds"];

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

    [ToolFact("docker-compose", "install the Debian package docker-compose")]
    public async Task The_compose_services_form_one_cluster_seeded_by_an_odd_number_of_shards()
    {
        // The file as compose resolves it (anchors merged, variables at their defaults).
        (int exitCode, string resolved) = await ExternalTool.RunAsync("docker-compose", ["-f", RepositoryRoot.File("docker-compose.yml"), "config"],
            workingDirectory: RepositoryRoot.Path);
        Assert.True(exitCode == 0, resolved);
        Dictionary<string, string> services = ComposeServices(resolved);
        string[] softq = [.. services.Where(s => s.Value.Contains("softq-distributed", StringComparison.Ordinal)).Select(s => s.Key)];
        Assert.Contains("learner", softq);
        Assert.Contains("actor", softq);
        string[] shards = [.. softq.Where(name => ComposeCommand(services[name]).StartsWith("replay", StringComparison.Ordinal))];
        Assert.True(shards.Length % 2 == 1, $"{shards.Length} replay shards: keep-majority on role replay needs an odd count");

        foreach (string name in softq)
        {
            string block = services[name];
            string command = ComposeCommand(block);
            Assert.DoesNotContain("--replay", command);
            Assert.DoesNotContain("--learner", command);
            string[] seeds = Setting(block, "SOFTQ__Cluster__Seeds").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            // The seeds are the shards, by the name each advertises (compose's DNS answers the service name).
            Assert.Equal(shards.Order().Select(shard => shard + ":4053"), seeds.Order());
            Assert.Equal("replay", Setting(block, "SOFTQ__Cluster__SplitBrainRole"));
            Assert.Equal("8388608", Setting(block, "SOFTQ__Cluster__FrameBytes"));
            // Every member holds the cluster certificate, mounted from the compose secret.
            Assert.Equal("/run/secrets/cluster-tls", Setting(block, "SOFTQ__Cluster__TlsCertificate"));
            Assert.Matches(@"(?m)^\s+(- )?(source: )?cluster-tls$", block);
            double grace = GraceSeconds(block);
            if (shards.Contains(name))
            {
                Assert.Equal(name, Setting(block, "SOFTQ__Cluster__PublicHost"));
                Assert.True(grace >= 120, $"{name}: stop_grace_period {grace} s leaves no room for the final snapshot");
                Assert.Contains("/readyz", block);
            }
            else if (name == "learner")
            {
                Assert.True(grace >= 120, $"learner: stop_grace_period {grace} s leaves no room for the final checkpoint");
                Assert.StartsWith("learner serve", command);
            }
            else Assert.True(grace >= 30, $"{name}: stop_grace_period {grace} s");
        }
        Assert.Matches(@"(?m)^secrets:\n  cluster-tls:\n    file: ", resolved.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    /// <summary>Each service of a resolved compose file (the output of <c>docker-compose config</c>) and its block of lines.</summary>
    private static Dictionary<string, string> ComposeServices(string resolved)
    {
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        bool inServices = false;
        var block = new System.Text.StringBuilder();
        foreach (string line in resolved.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                if (current is not null) services[current] = block.ToString();
                current = null;
                inServices = line == "services:";
                continue;
            }
            if (!inServices) continue;
            Match name = Regex.Match(line, @"^  ([A-Za-z0-9_.-]+):\s*$");
            if (name.Success)
            {
                if (current is not null) services[current] = block.ToString();
                current = name.Groups[1].Value;
                block.Clear();
            }
            else if (current is not null) block.Append(line).Append('\n');
        }
        if (current is not null) services[current] = block.ToString();
        return services;
    }

    /// <summary>A service's command as one line (compose v1 prints a string, folded when long; v2 a list).</summary>
    private static string ComposeCommand(string block)
    {
        Match single = Regex.Match(block, @"(?m)^    command: (.+)\n((?:      (?!- ).*\n)*)"); // v1 folds long lines
        if (single.Success)
            return string.Join(' ', (single.Groups[1].Value + "\n" + single.Groups[2].Value).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Trim())).Trim('\'', '"');
        Match list = Regex.Match(block, @"(?m)^    command:\n((?:      - .*\n)+)");
        return list.Success ? string.Join(' ', list.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()[2..].Trim('\'', '"'))) : "";
    }

    private static string Setting(string block, string key)
    {
        Match m = Regex.Match(block, $@"(?m)^      {key}: (.*)$");
        return m.Success ? m.Groups[1].Value.Trim().Trim('\'', '"') : "";
    }

    /// <summary>stop_grace_period in seconds (120s, 2m, 2m0s); compose's default of 10 s when unset.</summary>
    private static double GraceSeconds(string block)
    {
        Match m = Regex.Match(block, @"(?m)^    stop_grace_period: ['""]?(?:(\d+)m)?(?:(\d+)s)?['""]?\s*$");
        if (!m.Success) return 10;
        return (m.Groups[1].Success ? 60 * int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0)
            + (m.Groups[2].Success ? int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
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
                     "HorizontalPodAutoscaler", "PersistentVolumeClaim", "Service replay", "Service learner", "ServiceMonitor", "ConfigMap softq-grafana-dashboard",
                     "PodDisruptionBudget replay", "ok   cluster:" })
            Assert.Contains(kind, output);
    }

    /// <summary>Manifests that are valid Kubernetes but no working cluster: the validator must refuse each, naming why.</summary>
    [ToolFact("node npm", "install the Debian packages nodejs and npm; the test installs kubernetes-models@5.1.0 under tests/k8s-validate")]
    public async Task The_kubernetes_validator_refuses_manifests_that_would_not_form_a_cluster()
    {
        string dir = RepositoryRoot.File("tests", "k8s-validate");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "kubernetes-models")))
        {
            (int installed, string log) = await ExternalTool.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], workingDirectory: dir, within: TimeSpan.FromMinutes(5));
            Assert.True(installed == 0, $"npm ci in {dir} failed (no registry?):\n{log}");
        }
        (string File, string From, string To, string Expected)[] breakages =
        [
            ("replay-statefulset.yaml", "replicas: 3", "replicas: 2", "needs an odd count"),
            ("settings-configmap.yaml", "replay-1.replay.softq.svc.cluster.local:4053", "replay-1.replay.softq.svc:4053", "is not a replay pod's stable name"),
            ("replay-statefulset.yaml", "value: $(POD_NAME).replay.softq.svc.cluster.local", "value: $(POD_NAME).replay", "not its seed name"),
            ("replay-service.yaml", "publishNotReadyAddresses: true", "publishNotReadyAddresses: false", "publishNotReadyAddresses must be true"),
            ("learner-deployment.yaml", "type: Recreate", "type: RollingUpdate", "strategy must be Recreate"),
            ("learner-deployment.yaml", "replicas: 1", "replicas: 2", "the learner runs once"),
            ("actor-deployment.yaml", "fieldPath: status.podIP", "fieldPath: status.hostIP", "must be the pod IP"),
            ("actor-deployment.yaml", "mountPath: /etc/softq/cluster-tls", "mountPath: /etc/softq/other", "the cluster certificate"),
            ("actor-deployment.yaml", "containerPort: 4053", "containerPort: 4054", "not the cluster port 4053"),
            ("actor-deployment.yaml", "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 5", "terminationGracePeriodSeconds 5 < 30"),
            ("replay-statefulset.yaml", "path: /readyz", "path: /healthz", "readiness must be GET /readyz"),
            ("learner-deployment.yaml", "            - serve\n", "            - serve\n            - --replay\n            - http://replay-0:50051\n", "--replay is gone"),
            ("settings-configmap.yaml", "SOFTQ__Cluster__SplitBrainRole: replay", "SOFTQ__Cluster__SplitBrainRole: actor", "keep-majority on the stable role replay"),
            ("kustomization.yaml", "  - replay-pdb.yaml\n", "", "replay-pdb.yaml: not listed"),
        ];
        foreach ((string file, string from, string to, string expected) in breakages)
        {
            using var temp = new TestDirectory();
            CopyDirectory(RepositoryRoot.File("k8s"), temp.Path);
            string path = Path.Combine(temp.Path, file);
            string text = await File.ReadAllTextAsync(path);
            Assert.True(text.Contains(from, StringComparison.Ordinal), $"{file} no longer contains '{from}': update this test");
            await File.WriteAllTextAsync(path, text.Replace(from, to, StringComparison.Ordinal));
            (int exitCode, string output) = await ExternalTool.RunAsync("node", ["validate.mjs", temp.Path], workingDirectory: dir);
            Assert.True(exitCode != 0, $"{file}: '{from}' -> '{to}' passed:\n{output}");
            Assert.Contains(expected, output);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [ToolFact("sh", "a POSIX shell")]
    public async Task The_image_entrypoint_adds_container_and_cluster_defaults_and_derives_the_shard_id_from_the_pod_ordinal()
    {
        using var temp = new TestDirectory();
        string dir = temp.Path;
        // A stand-in `dotnet` that prints what it would run.
        string fake = Path.Combine(dir, "dotnet");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\necho \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        string script = RepositoryRoot.File("deploy", "docker", "softq-entrypoint.sh");
        string path = dir + ":" + Environment.GetEnvironmentVariable("PATH");
        string[] clean = ["-u", "SOFTQ__Cluster__Host", "-u", "SOFTQ__Cluster__Port", "-u", "SOFTQ__Cluster__PublicHost", "-u", "SOFTQ__Shard__ShardId",
            "-u", "SOFTQ__Actor__NodeId", "PATH=" + path];

        // A shard behind a stable name advertises it (SOFTQ__Cluster__PublicHost, as the manifests set it).
        (int code, string replay) = await ExternalTool.RunAsync("env", [.. clean, "HOSTNAME=replay-3", "SOFTQ__Cluster__PublicHost=replay-3.replay.softq.svc.cluster.local",
            "sh", script, "replay", "--data-dir", "/data"]);
        Assert.Equal(0, code);
        Assert.Equal("/app/SoftQDistributed.ReplayService.dll --data-dir /data --host 0.0.0.0 --port 50051 --http-port 8080 --shard-id 3 "
            + "--cluster-host 0.0.0.0 --cluster-port 4053", replay.Trim());

        // The learner serves no gRPC port (serve refuses --port); switches given win; the cluster settings of the environment too.
        (code, string learner) = await ExternalTool.RunAsync("env", [.. clean, "SOFTQ__Cluster__Port=4100", "sh", script, "learner", "serve", "--env", "multigoal",
            "--public-host", "10.0.0.7"]);
        Assert.Equal(0, code);
        Assert.Equal("/app/SoftQDistributed.Learner.dll serve --env multigoal --public-host 10.0.0.7 --host 0.0.0.0 --http-port 8080 --cluster-host 0.0.0.0",
            learner.Trim());
        Assert.DoesNotContain("--port", learner);

        (code, string launch) = await ExternalTool.RunAsync("env", [.. clean, "sh", script, "learner", "launch", "--actors", "3"]);
        Assert.Equal(0, code);
        Assert.Equal("/app/SoftQDistributed.Learner.dll launch --actors 3", launch.Trim());

        // Without a name to advertise, a member advertises its own address (never the bind address 0.0.0.0).
        (code, string actor) = await ExternalTool.RunAsync("env", [.. clean, "sh", script, "actor", "--envs", "4"]);
        Assert.Equal(0, code);
        Assert.Matches(@"^/app/SoftQDistributed\.Actors\.dll --envs 4 --host 0\.0\.0\.0 --http-port 8080 --node-id \d+ --cluster-host 0\.0\.0\.0 --cluster-port 4053 --public-host \S+$",
            actor.Trim());
        Assert.DoesNotContain("--public-host 0.0.0.0", actor);
        Assert.DoesNotContain("--public-host 127.", actor);

        (code, _) = await ExternalTool.RunAsync("env", [.. clean, "sh", script, "painter"]);
        Assert.Equal(2, code);
    }

    [GeneratedRegex(@"\b(softq|process|dotnet)_[a-z0-9_]+|\bup\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"    kubernetes_sd_configs:\n(      .*\n)+")]
    private static partial Regex KubernetesDiscovery();
}
