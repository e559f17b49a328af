using System.Text.Json.Nodes;
using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Cluster.Tests;

/// <summary><c>deploy/prometheus/cluster-targets.sh</c> on the cluster.json that launch writes.</summary>
public sealed class ClusterTargetsScriptTests
{
    [ToolFact("bash python3", "install bash and python3")]
    public async Task Writes_one_file_sd_target_per_process_of_cluster_json_with_its_index()
    {
        using var directory = new TestDirectory();
        (TrainingSettings training, SoftQSettings softQ) = SettingsLoader.Load(["--env", "multigoal", "--out", directory.Path], directory.Path);
        var launch = new LaunchSettings { Shards = 2, Actors = 3 };
        ClusterPlan plan = ClusterPlan.Create(launch, training, softQ, directory.Path, AppContext.BaseDirectory, "token");
        await using var cluster = new LocalCluster(plan, launch, TextWriter.Null);
        ClusterDescription.Write(cluster.DescriptionPath, cluster.Children); // what launch writes, without starting the children
        IReadOnlyList<ClusterMember> members = ClusterDescription.Read(cluster.DescriptionPath);
        string targets = Path.Combine(directory.Path, "targets");

        (int exitCode, string output) = await ExternalTool.RunAsync("bash", [RepositoryRoot.File("deploy", "prometheus", "cluster-targets.sh"), directory.Path, targets]);

        Assert.True(exitCode == 0, output);
        Assert.Equal("learner: 1 target(s)\nreplay: 2 target(s)\nactor: 3 target(s)\n", output);
        foreach ((string role, string file) in new[] { ("learner", "learner"), ("shard", "replay"), ("actor", "actor") })
        {
            JsonArray groups = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(targets, file + ".json")))!.AsArray();
            string[] expected = [.. members.Where(m => m.Role == role).Select(m => $"{new Uri(m.HttpUrl).Authority} index={m.Index}")];
            string[] written = [.. groups.Select(g => $"{(string)g!["targets"]!.AsArray().Single()!} index={(string)g["labels"]!["index"]!}")];
            Assert.Equal(expected, written);
        }
    }
}
