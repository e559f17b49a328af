using System.Text.Json;

namespace SoftQDistributed.Tests.Training;

/// <summary><c>train --out</c> onto a directory holding a run refuses, leaving it as it was, unless resuming it there or given --force.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ExistingRunTests(TinyRun run) : IClassFixture<TinyRun>
{
    [Fact]
    public void Train_onto_an_existing_run_is_refused_and_changes_nothing()
    {
        using var temp = new TestDirectory();
        run.CopyTo(temp.Path);
        string[] before = TinyRun.Contents(temp.Path);

        (int exitCode, string output, string error) = LearnerEntryPoint.Run(["train", "--out", temp.Path, .. TinyRun.Settings]);
        Assert.Equal(2, exitCode);
        Assert.Equal($"error: --out {temp.Path} already holds a run (checkpoint.safetensors, policy.safetensors, summary.json, metrics.csv); " +
            $"continue it with --resume {temp.Path}, or give --force to replace it", error.TrimEnd());
        Assert.Empty(output);
        Assert.Equal(before, TinyRun.Contents(temp.Path));
    }

    [Fact]
    public void A_run_stopped_before_its_first_checkpoint_counts_as_a_run()
    {
        using var temp = new TestDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "metrics.csv"), "epoch\n");
        (int exitCode, _, string error) = LearnerEntryPoint.Run(["train", "--out", temp.Path, .. TinyRun.Settings]);
        Assert.Equal(2, exitCode);
        Assert.Contains("already holds a run (metrics.csv)", error);
    }

    [Fact]
    public void With_force_train_replaces_the_run()
    {
        using var temp = new TestDirectory();
        run.CopyTo(temp.Path);

        (int exitCode, _, string error) = LearnerEntryPoint.Run(["train", "--out", temp.Path, .. TinyRun.Settings, "--env-steps", "100", "--force"]);
        Assert.True(exitCode == 0, error);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "summary.json")));
        Assert.Equal(100, summary.RootElement.GetProperty("env_steps").GetInt64());
    }

    [Fact]
    public void Resuming_into_another_runs_out_is_refused_without_force()
    {
        using var resumed = new TestDirectory();
        using var other = new TestDirectory();
        run.CopyTo(resumed.Path);
        run.CopyTo(other.Path);
        string[] before = TinyRun.Contents(other.Path);

        (int exitCode, _, string error) = LearnerEntryPoint.Run("train", "--resume", resumed.Path, "--out", other.Path, "--env-steps", "300");
        Assert.Equal(2, exitCode);
        Assert.StartsWith($"error: --out {other.Path} already holds a run", error);
        Assert.Equal(before, TinyRun.Contents(other.Path));
    }
}
