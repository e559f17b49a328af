using System.Globalization;
using System.Text.Json;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;

namespace SoftQDistributed.Torch.Tests;

/// <summary>
/// <c>train --backend torch</c> as a user runs it: the Learner in a process of its own (whose deps.json knows nothing of
/// TorchSharp) loads the plugin from <c>torch-backend/</c>, which the build copies next to it here as into the Learner's own
/// output. A tiny MultiGoal budget: each run takes seconds.
/// </summary>
public sealed class TrainCommandTests
{
    // 100-step epochs; from 50 transitions on, one update per env step.
    private static readonly string[] Tiny =
    [
        "--env", "multigoal", "--seed", "3", "--epoch-length", "100", "--min-replay-size", "50", "--batch-size", "16",
        "--hidden", "32,32", "--value-particles", "8", "--svgd-particles", "8", "--threads", "1",
        "--eval-episodes", "2", "--eval-episodes-per-epoch", "1", "--checkpoint-interval", "0",
    ];

    [Fact]
    public async Task Training_on_torch_writes_a_normal_run_that_evaluate_reads()
    {
        using var run = new TestDirectory();
        (JsonElement summary, string log) = await RunLearner(run.Path, ["train", .. Tiny, "--backend", "torch", "--env-steps", "200", "--out", run.Path]);

        Assert.Contains("update backend: torch (libtorch ", log);
        Assert.StartsWith("torch (libtorch ", summary.GetProperty("backend").GetString());
        Assert.Equal(200, summary.GetProperty("env_steps").GetInt64());
        long updates = summary.GetProperty("updates").GetInt64();
        Assert.Equal(151, updates); // env steps 50 to 200
        (SafetensorsFile checkpoint, TrainingSettings train, _) = TrainingCheckpoint.Load(run.Path);
        Assert.Equal("torch", train.Backend);
        Assert.Equal([updates, updates, updates, 0, 200], checkpoint.ReadInt64("counters")[..5]); // Adam steps, updates, skipped, env steps
        Assert.Equal([100L, 200], MetricsEnvSteps(run.Path));

        (JsonElement evaluation, _) = await RunLearner(run.Path, ["evaluate", "--checkpoint", run.Path, "--episodes", "2"]);
        Assert.Equal(2, evaluation.GetProperty("eval").GetProperty("episodes").GetInt32());
    }

    [Theory]
    [InlineData("managed", "torch")]
    [InlineData("torch", "managed")]
    public async Task A_run_resumes_on_the_other_backend_and_its_counters_continue(string first, string second)
    {
        using var run = new TestDirectory();
        (JsonElement before, _) = await RunLearner(run.Path, ["train", .. Tiny, "--backend", first, "--env-steps", "200", "--out", run.Path]);
        long updatesBefore = before.GetProperty("updates").GetInt64();

        (JsonElement after, string log) = await RunLearner(run.Path, ["train", "--resume", run.Path, "--backend", second, "--env-steps", "400"]);

        Assert.Contains($"at 200 env steps, {updatesBefore} updates", log);
        Assert.StartsWith(second == "torch" ? "torch (libtorch " : "managed", after.GetProperty("backend").GetString());
        Assert.Equal(400, after.GetProperty("env_steps").GetInt64());
        Assert.Equal(updatesBefore + 200, after.GetProperty("updates").GetInt64()); // one update per env step from 201 to 400
        Assert.Equal(0, after.GetProperty("skipped_updates").GetInt64());
        Assert.Equal([100L, 200, 300, 400], MetricsEnvSteps(run.Path));
        (SafetensorsFile checkpoint, TrainingSettings train, _) = TrainingCheckpoint.Load(run.Path);
        Assert.Equal(second, train.Backend);
        Assert.Equal(updatesBefore + 200, checkpoint.ReadInt64("counters")[0]); // the Q network's Adam step went on too
    }

    /// <summary>Runs the Learner from this folder in <paramref name="directory"/>; its exit code must be 0. Standard output's last line as JSON, and standard error.</summary>
    private static async Task<(JsonElement Json, string Log)> RunLearner(string directory, string[] args)
    {
        (int exitCode, string output, string error) = await ChildProcess.RunToExitAsync(ChildProcess.Dotnet("SoftQDistributed.Learner.dll", directory, args));
        Assert.True(exitCode == 0, $"learner {string.Join(' ', args)} exited {exitCode}:\n{error}");
        using JsonDocument json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return (json.RootElement.Clone(), error);
    }

    private static long[] MetricsEnvSteps(string directory) =>
        File.ReadAllLines(Path.Combine(directory, MetricsLog.FileName)).Skip(1)
            .Select(line => long.Parse(line.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
}
