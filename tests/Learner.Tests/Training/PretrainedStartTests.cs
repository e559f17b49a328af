using SoftQDistributed.Shared.Checkpoints;

namespace SoftQDistributed.Tests.Training;

/// <summary><c>train --init-from RUN</c>: a new run's networks start from RUN's, everything else starts fresh; a mismatch is refused before any work.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class PretrainedStartTests(TinyRun run) : IClassFixture<TinyRun>
{
    /// <summary>The tiny run's settings with one switch's value replaced.</summary>
    private static string[] SettingsWith(string name, string value)
    {
        string[] settings = [.. TinyRun.Settings];
        settings[Array.IndexOf(settings, name) + 1] = value;
        return settings;
    }

    [Fact]
    public void A_new_run_on_another_task_starts_from_the_pretrained_networks_with_a_fresh_optimiser()
    {
        using var source = new TestDirectory();
        using var target = new TestDirectory();
        run.CopyTo(source.Path);

        // 40 env steps, below the minimum replay size of 50: no update runs, so the final checkpoint holds the start.
        (int exitCode, _, string error) = LearnerEntryPoint.Run(
            ["train", "--out", target.Path, .. SettingsWith("--env-steps", "40"), "--goals", "2", "--init-from", source.Path]);
        Assert.True(exitCode == 0, error);
        Assert.Contains($"networks start from {Path.Combine(source.Path, "checkpoint.safetensors")} (multigoal, seed 3)", error);

        SafetensorsFile pretrained = SafetensorsFile.Load(Path.Combine(source.Path, "checkpoint.safetensors"));
        SafetensorsFile started = SafetensorsFile.Load(Path.Combine(target.Path, "checkpoint.safetensors"));
        Assert.Equal("multigoal:goals=2", started.RequireMetadata("env"));
        foreach (string network in new[] { "q", "target_q", "policy" })
            Assert.Equal(pretrained.ReadFloat32(network), started.ReadFloat32(network));
        Assert.NotEqual(pretrained.ReadFloat32("adam_q_m"), started.ReadFloat32("adam_q_m"));
        Assert.All(started.ReadFloat32("adam_q_m"), m => Assert.Equal(0f, m));
        Assert.All(started.ReadFloat32("adam_policy_v"), v => Assert.Equal(0f, v));
        Assert.Equal(0, started.ReadInt64("counters")[2]); // updates
        Assert.Equal(40, started.ReadFloat32("replay_rewards").Length);
    }

    [Theory]
    [InlineData("--hidden", "8,8", "this run's are Q (2+2) → 8 → 8 → 1")]
    [InlineData("--env", "pendulum", "this run's are Q (3+1) → 16 → 16 → 1")]
    public void Networks_of_another_shape_are_refused_in_one_line_before_anything_is_written(string name, string value, string expected)
    {
        using var source = new TestDirectory();
        using var temp = new TestDirectory();
        run.CopyTo(source.Path);
        string target = Path.Combine(temp.Path, "new-run");

        (int exitCode, string output, string error) = LearnerEntryPoint.Run(["train", "--out", target, .. SettingsWith(name, value), "--init-from", source.Path]);
        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith($"error: --init-from {source.Path}: its networks (multigoal) are Q (2+2) → 16 → 16 → 1 and sampler (2+2) → 16 → 16 → 2 tanh", error);
        Assert.Contains(expected, error);
        Assert.False(Directory.Exists(target), "nothing is written for a refused start");
    }

    [Fact]
    public void A_missing_run_is_one_line_naming_the_switch()
    {
        using var temp = new TestDirectory();
        string missing = Path.Combine(temp.Path, "no-such-run");
        (int exitCode, _, string error) = LearnerEntryPoint.Run(["train", "--out", Path.Combine(temp.Path, "out"), .. TinyRun.Settings, "--init-from", missing]);
        Assert.Equal(2, exitCode);
        Assert.StartsWith($"error: --init-from {missing}: Checkpoint not found", error);
    }

    [Fact]
    public void A_resumed_run_keeps_its_own_networks_and_refuses_init_from()
    {
        using var source = new TestDirectory();
        run.CopyTo(source.Path);
        (int exitCode, _, string error) = LearnerEntryPoint.Run("train", "--resume", source.Path, "--env-steps", "300", "--init-from", source.Path);
        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: --init-from cannot change when resuming", error);
    }
}
