using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Tests.Training;

namespace SoftQDistributed.Tests.Cluster;

/// <summary><c>launch --out</c> onto a directory holding a launch run refuses and changes nothing, unless --force replaces it.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ExistingLaunchRunTests
{
    [Fact]
    public void Launch_onto_an_old_launch_run_is_refused_before_any_child_starts_and_changes_nothing()
    {
        using var temp = new TestDirectory();
        string checkpoint = OldRun(temp.Path);

        (int exitCode, string output, string error) = LearnerEntryPoint.Run("launch", "--out", temp.Path, "--env-steps", "100");
        Assert.Equal(2, exitCode);
        Assert.Equal($"error: --out {temp.Path} already holds a launch run (summary.json, learner, replay); its learner and shards would resume it. " +
            "Give --force to replace it", error.TrimEnd());
        Assert.Empty(output);
        Assert.Equal("old checkpoint", File.ReadAllText(checkpoint));
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "logs")), "no child was started");
    }

    [Fact]
    public void Force_deletes_the_old_runs_entries_and_nothing_else()
    {
        using var temp = new TestDirectory();
        OldRun(temp.Path);
        string notes = Path.Combine(temp.Path, "notes.txt");
        File.WriteAllText(notes, "mine");

        ExistingLaunchRun.RefuseOrClear(temp.Path, force: true);

        Assert.Equal([notes], Directory.GetFileSystemEntries(temp.Path));
        ExistingLaunchRun.RefuseOrClear(temp.Path, force: false); // nothing left to refuse
    }

    /// <summary>What a finished launch leaves: its summary, the learner's checkpoint, a shard's snapshot. Returns the checkpoint's path.</summary>
    private static string OldRun(string directory)
    {
        File.WriteAllText(Path.Combine(directory, "summary.json"), "{}");
        Directory.CreateDirectory(Path.Combine(directory, "learner"));
        string checkpoint = Path.Combine(directory, "learner", "checkpoint.safetensors");
        File.WriteAllText(checkpoint, "old checkpoint");
        Directory.CreateDirectory(Path.Combine(directory, "replay", "shard-0"));
        File.WriteAllText(Path.Combine(directory, "replay", "shard-0", "snapshot.bin"), "rows");
        return checkpoint;
    }
}
