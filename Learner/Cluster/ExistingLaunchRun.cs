using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// Keeps <c>launch</c> from mixing a new cluster with an old one in the same <c>--out</c>: its learner would resume the
/// old checkpoint and its shards the old snapshots, whatever the new settings say. A directory holding any of a launch
/// run's entries is refused; with <c>--force</c> exactly those entries are deleted first, nothing else in it.
/// </summary>
public static class ExistingLaunchRun
{
    /// <summary>What a launch run leaves in its directory (<see cref="ClusterPlan"/>, <see cref="LocalCluster"/>, the summary).</summary>
    private static readonly string[] Entries = ["summary.json", "cluster.json", "learner", "replay", "logs"];

    /// <summary>Throws the one-line refusal, or with <paramref name="force"/> deletes the old run's entries.</summary>
    public static void RefuseOrClear(string directory, bool force)
    {
        string[] found = [.. Entries.Where(entry => Path.Exists(Path.Combine(directory, entry)))];
        if (found.Length == 0) return;
        if (!force)
            throw new SettingsException($"--out {directory} already holds a launch run ({string.Join(", ", found)}); its learner and shards would resume it. Give --force to replace it");
        foreach (string entry in found)
        {
            string path = Path.Combine(directory, entry);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
    }
}
