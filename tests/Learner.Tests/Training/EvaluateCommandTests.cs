using System.Text.Json;

namespace SoftQDistributed.Tests.Training;

/// <summary><c>evaluate --env</c>: a saved policy rolled out on another variant of its task, and anything else refused in one line.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class EvaluateCommandTests(TinyRun run) : IClassFixture<TinyRun>
{
    [Fact]
    public void A_variant_of_the_runs_task_is_evaluated_and_named_in_the_json()
    {
        using var temp = new TestDirectory();
        run.CopyTo(temp.Path);

        (int exitCode, string output, string error) = LearnerEntryPoint.Run("evaluate", "--checkpoint", temp.Path, "--episodes", "3", "--env", "MultiGoal:goals=2");

        Assert.True(exitCode == 0, error);
        using JsonDocument json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
        Assert.Equal("multigoal:goals=2", json.RootElement.GetProperty("env").GetString());
        int[] goals = [.. json.RootElement.GetProperty("eval").GetProperty("goal_counts").EnumerateArray().Select(g => g.GetInt32())];
        Assert.Equal([0, 0, 0], [goals[0], goals[1], goals[3]]); // only goal 2 ends an episode in this variant
    }

    [Theory]
    [InlineData("tworoutes", "error: --env must be a variant of the run's task multigoal, got tworoutes")]
    [InlineData("multigoal:goals=7", "error: Environment 'multigoal:goals=7': ")]
    public void Another_task_or_a_bad_option_is_refused_in_one_line_and_the_run_is_untouched(string env, string errorStart)
    {
        using var temp = new TestDirectory();
        run.CopyTo(temp.Path);
        string[] before = TinyRun.Contents(temp.Path);

        (int exitCode, string output, string error) = LearnerEntryPoint.Run("evaluate", "--checkpoint", temp.Path, "--episodes", "1", "--env", env);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.StartsWith(errorStart, error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Equal(before, TinyRun.Contents(temp.Path));
    }
}
