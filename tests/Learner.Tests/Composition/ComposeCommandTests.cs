using System.Text.Json;
using SoftQDistributed.Tests.Training;

namespace SoftQDistributed.Tests.Composition;

/// <summary>Tiny train runs made once, through the learner's entry point, for the compose tests to read.</summary>
public sealed class ComposableRuns : IDisposable
{
    private readonly TestDirectory _directory = new();

    public ComposableRuns()
    {
        GoalsAB = Train("a", "--goals", "0,2");
        GoalsBC = Train("b", "--goals", "1,2");
        Narrower = Train("narrow", "--goals", "1,2", "--hidden", "8,8");
        Pendulum = Train("pendulum", "--env", "pendulum");
    }

    /// <summary>Task A: goals (5, 0) and (0, 5).</summary>
    public string GoalsAB { get; }

    /// <summary>Task B: goals (−5, 0) and (0, 5).</summary>
    public string GoalsBC { get; }

    /// <summary>Task B with 8×8 networks.</summary>
    public string Narrower { get; }

    public string Pendulum { get; }

    public string NewDirectory(string name) => Path.Combine(_directory.Path, name);

    private string Train(string name, params string[] settings)
    {
        string directory = NewDirectory(name);
        (int exitCode, _, string error) = LearnerEntryPoint.Run(["train", "--out", directory, .. TinyRun.Settings, .. settings]);
        if (exitCode != 0) throw new InvalidOperationException($"the tiny run {name} failed: {error}");
        return directory;
    }

    public void Dispose() => _directory.Dispose();
}

/// <summary><c>compose</c> through the learner's entry point, on real (tiny) runs of <c>train</c>.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ComposeCommandTests(ComposableRuns runs) : IClassFixture<ComposableRuns>
{
    private static readonly string[] Short = ["--updates", "20", "--epoch-length", "10", "--eval-episodes", "4"];

    [Fact]
    public void Compose_trains_a_sampler_for_the_sum_and_leaves_what_evaluate_reads()
    {
        string output = runs.NewDirectory("composed");
        string[] sourceFiles = TinyRun.Contents(runs.GoalsAB);

        (int exitCode, string stdout, string error) = LearnerEntryPoint.Run(["compose", "--q", runs.GoalsAB, "--q", runs.GoalsBC, "--out", output, .. Short]);

        Assert.True(exitCode == 0, error);
        using JsonDocument summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        JsonElement root = summary.RootElement;
        Assert.Equal("multigoal:goals=0,1,2", root.GetProperty("env").GetString());
        Assert.Equal(["multigoal:goals=0,2", "multigoal:goals=1,2"], root.GetProperty("composed_envs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(20, root.GetProperty("updates").GetInt64());
        Assert.Equal(["(0, 5)"], root.GetProperty("common_goals").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, root.GetProperty("goal_shares").EnumerateObject().Count());
        Assert.Equal(4, root.GetProperty("eval").GetProperty("episodes").GetInt32());
        foreach (string file in new[] { "policy.safetensors", "composition.safetensors", "summary.json", "composition_curve.svg", "rollouts.svg", "q_contours.svg" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is missing");
        Assert.Equal(4, File.ReadAllLines(Path.Combine(output, "metrics.csv")).Length); // header, epochs at 0, 10 and 20 updates
        Assert.Equal(sourceFiles, TinyRun.Contents(runs.GoalsAB));

        (int evaluated, string evaluation, string evaluateError) = LearnerEntryPoint.Run("evaluate", "--checkpoint", output, "--episodes", "2");
        Assert.True(evaluated == 0, evaluateError);
        Assert.Contains("\"env\":\"multigoal:goals=0,1,2\"", evaluation);
    }

    [Fact]
    public void A_composition_is_replaced_only_with_force()
    {
        string output = runs.NewDirectory("again");
        string[] compose = ["compose", "--q", runs.GoalsAB, "--q", runs.GoalsBC, "--out", output, .. Short];
        Assert.Equal(0, LearnerEntryPoint.Run(compose).ExitCode);
        string[] before = TinyRun.Contents(output);

        (int refused, _, string error) = LearnerEntryPoint.Run(compose);
        Assert.Equal(2, refused);
        Assert.Contains("already holds a run", error);
        Assert.Equal(before, TinyRun.Contents(output));

        Assert.Equal(0, LearnerEntryPoint.Run([.. compose, "--force"]).ExitCode);
    }

    public static TheoryData<string, string> BadInput => new()
    {
        { "compose needs one network shape", "narrow" },
        { "compose needs one environment shape", "pendulum" },
        { "compose needs at least two runs", "" },
        { "is one of the composed runs", "out=a" },
        { "Checkpoint not found", "missing" },
        { "holds a train run", "out=b" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Bad_input_is_one_line_and_exit_code_2_and_writes_nothing(string expected, string second)
    {
        string output = runs.NewDirectory($"bad-{Guid.NewGuid():N}");
        List<string> args = ["compose", "--q", runs.GoalsAB];
        switch (second)
        {
            case "narrow": args.AddRange(["--q", runs.Narrower]); break;
            case "pendulum": args.AddRange(["--q", runs.Pendulum]); break;
            case "missing": args.AddRange(["--q", runs.NewDirectory("no-such-run")]); break;
            case "out=a": args.AddRange(["--q", runs.GoalsBC]); output = runs.GoalsAB; break;
            case "out=b": output = runs.GoalsBC; args.AddRange(["--q", runs.Narrower]); break;
        }
        string[] before = Directory.Exists(output) ? TinyRun.Contents(output) : [];

        (int exitCode, _, string error) = LearnerEntryPoint.Run([.. args, "--out", output, .. Short]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: ", error);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal(before, Directory.Exists(output) ? TinyRun.Contents(output) : []);
    }

    [Fact]
    public void A_missing_out_is_a_command_line_error()
    {
        (int exitCode, _, string error) = LearnerEntryPoint.Run("compose", "--q", runs.GoalsAB, "--q", runs.GoalsBC);
        Assert.Equal(2, exitCode);
        Assert.Contains("--out", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
