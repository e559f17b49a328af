using System.Text.Json.Nodes;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;

namespace SoftQDistributed.Tests.Training;

/// <summary>What <c>train</c> writes: the environment in its registered spelling, numbers without a value as null, the GEMM kept on resume.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class TrainOutputTests
{
    [Fact]
    public void The_environment_is_named_in_its_registered_spelling_whatever_the_case_given()
    {
        Assert.Equal("multigoal", new TrainingSettings { Env = "MultiGoal" }.Env);
        Assert.Equal("halfcheetah", SettingsLoader.Load(["--env", "HalfCheetah"]).Training.Env);
        Assert.Equal("no-such-env", new TrainingSettings { Env = "no-such-env" }.Env); // refused later, as given

        using var temp = new TestDirectory();
        string[] settings = [.. TinyRun.Settings.Select(s => s == "multigoal" ? "MultiGoal" : s)];
        (int exitCode, string output, string error) = LearnerEntryPoint.Run(["train", "--out", temp.Path, .. settings]);
        Assert.True(exitCode == 0, error);
        JsonNode summary = JsonNode.Parse(output.TrimEnd().Split('\n')[^1])!;
        Assert.Equal("multigoal", (string?)summary["env"]);
        Assert.True((double)summary["process_cpu_seconds"]! > 0);
        Assert.Contains("\nmultigoal, seed 3,", error);
        Assert.DoesNotContain("MultiGoal", error);
        (_, TrainingSettings saved, _) = TrainingCheckpoint.Load(temp.Path);
        Assert.Equal("multigoal", saved.Env);
    }

    [Fact]
    public void A_resumed_auto_run_keeps_the_GEMM_it_trained_on()
    {
        using var temp = new TestDirectory();
        string[] settings = [.. TinyRun.Settings.Select(s => s == "managed" ? "auto" : s)];
        (int exitCode, _, string error) = LearnerEntryPoint.Run(["train", "--out", temp.Path, .. settings]);
        Assert.True(exitCode == 0, error);
        string used = SafetensorsFile.Load(Path.Combine(temp.Path, TrainingCheckpoint.FileName)).RequireMetadata(TrainingCheckpoint.GemmKey);

        (exitCode, _, error) = LearnerEntryPoint.Run("train", "--resume", temp.Path, "--env-steps", "300");
        Assert.True(exitCode == 0, error);
        Assert.Contains($"resuming on the GEMM the run trained on, {used}", error);
        Assert.DoesNotContain("auto chose", error);
    }

    [Fact]
    public void A_summary_without_evaluation_episodes_has_null_returns_not_NaN()
    {
        var eval = new EvaluationResult(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, null, null);
        string json = new RunSummary("multigoal", 1, 100, 50, 0, 1.5, 33.3, 66.7, 2.9, false, "managed", eval).ToJson();
        Assert.DoesNotContain("NaN", json);
        Assert.Null(JsonNode.Parse(json)!["eval"]!["mean_return"]);
    }
}
