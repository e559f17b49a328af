using SoftQDistributed.TestSupport;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>
/// The three programs as a user runs them (<c>dotnet ROLE.dll ARGS</c>, real processes in an empty working directory):
/// a table of bad command lines, appsettings.json files and environment variables, each refused with exit code 2 and
/// one <c>error:</c> line; and <c>--help</c> on every command, which exits 0 and starts nothing.
/// </summary>
public sealed class CommandLineTests
{
    private const string Learner = "SoftQDistributed.Learner.dll";
    private const string Actors = "SoftQDistributed.Actors.dll";
    private const string Shard = "SoftQDistributed.ReplayService.dll";

    /// <summary>How long a program that starts nothing may take: a started server never exits by itself.</summary>
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Program, arguments, appsettings.json in the working directory (or null), an environment variable NAME=VALUE (or
    /// null), and the start of the error line; {dir} stands for the working directory.
    /// </summary>
    public static TheoryData<string, string[], string?, string?, string> BadInputs => new()
    {
        { Learner, [], null, null, "error: SoftQDistributed.Learner needs a command: train, evaluate, serve, launch, compose, curves, settings" },
        { Learner, ["trian"], null, null, "error: unknown command 'trian' for SoftQDistributed.Learner; did you mean train?" },
        { Learner, ["train", "--env-step", "100"], null, null, "error: unknown option '--env-step' for SoftQDistributed.Learner train; did you mean --env-steps?" },
        { Learner, ["train", "--seed"], null, null, "error: Required argument missing for option: '--seed'" },
        { Learner, ["train", "--env-steps", "lots"], null, null, "error: setting --env-steps (Train:EnvSteps) = 'lots' is not an integer" },
        { Learner, ["train", "--backend", "cuda"], null, null, "error: unknown backend 'cuda'; valid: auto, openblas, managed, torch" },
        { Learner, ["train", "--env", "cartpole"], null, null, "error: Unknown environment 'cartpole'" },
        { Learner, ["train"], """{ "SoftQ": { "RewardScal": 2 } }""", null, "error: unknown setting SoftQ:RewardScal in {dir}/appsettings.json; did you mean SoftQ:RewardScale?" },
        { Learner, ["train"], """{ "Train": { "EnvSteps": 100, } """, null, "error: Failed to load configuration from file '{dir}/appsettings.json': Could not parse the JSON file" },
        { Learner, ["train"], null, "SOFTQ__Train__EnvStep=100", "error: unknown setting Train:EnvStep in environment variable SOFTQ__Train__EnvStep; did you mean Train:EnvSteps?" },
        { Learner, ["train", "--resume", "/nonexistent/softq-run", "--seed", "3"], null, null, "error: --seed cannot change when resuming" },
        { Learner, ["evaluate"], null, null, "error: Option '--checkpoint' is required" },
        { Learner, ["evaluate", "--checkpoint", "/nonexistent/softq-run"], null, null, "error: Checkpoint not found: /nonexistent/softq-run" },
        { Learner, ["compose", "--q", "/nonexistent/softq-run"], null, null, "error: Option '--out' is required" },
        { Learner, ["compose", "--q", "/nonexistent/a", "--q", "/nonexistent/b", "--out", "ab"], null, null, "error: Checkpoint not found: /nonexistent/a" },
        { Learner, ["curves", "--group", "no-runs", "--out", "c.svg"], null, null, "error: --group 'no-runs' is not of the form label=run1,run2" },
        { Learner, ["train", "--init-from", "/nonexistent/softq-run"], null, null, "error: --init-from /nonexistent/softq-run: Checkpoint not found: /nonexistent/softq-run" },
        { Learner, ["serve"], null, null, "error: the learner needs the cluster's seed nodes" },
        { Learner, ["serve", "--seeds", "127.0.0.1:1", "--publish-interval", "0"], null, null, "error: publish-interval must be at least 1" },
        { Learner, ["launch", "--actors", "0"], null, null, "error: actors must be at least 1, got 0" },
        { Learner, ["launch", "--shard", "2"], null, null, "error: unknown option '--shard' for SoftQDistributed.Learner launch; did you mean --shards?" },
        { Learner, ["settings", "--jsn"], null, null, "error: unknown option '--jsn' for SoftQDistributed.Learner settings; did you mean --json?" },
        { Actors, ["--evns", "4"], null, null, "error: unknown option '--evns' for SoftQDistributed.Actors; did you mean --envs?" },
        { Actors, [], null, null, "error: an actor node needs the cluster's seed nodes" },
        { Actors, ["--seeds", "127.0.0.1:1", "--envs", "many"], null, null, "error: Failed to convert configuration value 'many' at 'Actor:Envs'" },
        { Actors, ["--seeds", "127.0.0.1:1", "--env", "cartpole"], null, null, "error: unknown environment 'cartpole'" },
        { Actors, ["--seeds", "127.0.0.1:1"], """{ "Actor": { "Envz": 4 } }""", null, "error: unknown setting Actor:Envz in {dir}/appsettings.json; did you mean Actor:Env or Actor:Envs?" },
        { Actors, ["--seeds", "127.0.0.1:1"], """{ "Actor": { "Envs": 0 } }""", null, "error: envs must be at least 1, not 0" },
        { Shard, ["--capcity", "1000"], null, null, "error: unknown option '--capcity' for SoftQDistributed.ReplayService; did you mean --capacity?" },
        { Shard, ["replay"], null, null, "error: unknown argument 'replay' for SoftQDistributed.ReplayService" },
        { Shard, ["--capacity", "lots"], null, null, "error: Failed to convert configuration value 'lots' at 'Shard:Capacity'" },
        { Shard, ["--port", "70000"], null, null, "error: port 70000 is outside 0..65535" },
        { Shard, [], """{ "Shard": { "Port": 70000 } }""", null, "error: port 70000 is outside 0..65535" },
        { Shard, [], """{ "Shard": { "Port": 70000 } }""", "SOFTQ__Shard__Port=80000", "error: port 80000 is outside 0..65535" },
        { Shard, ["--port", "90000"], """{ "Shard": { "Port": 70000 } }""", "SOFTQ__Shard__Port=80000", "error: port 90000 is outside 0..65535" },
        { Shard, [], """{ "Shard": { "Capcity": 10 } }""", null, "error: unknown setting Shard:Capcity in {dir}/appsettings.json; did you mean Shard:Capacity?" },
        { Shard, [], """{ "Shard": [ 1, 2 """, null, "error: Failed to load configuration from file '{dir}/appsettings.json': Could not parse the JSON file" },
        { Shard, [], null, "SOFTQ__Cluster__Seed=127.0.0.1:1", "error: unknown setting Cluster:Seed in environment variable SOFTQ__Cluster__Seed; did you mean Cluster:Seeds?" },
        { Shard, ["--auth-token", "change-me"], null, null, "error: the auth token is the placeholder 'change-me'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_one_error_line_and_exit_code_2(string program, string[] args, string? appsettings, string? variable, string expected)
    {
        using var directory = new TestDirectory();
        if (appsettings is not null) await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), appsettings);
        var info = ChildProcess.Dotnet(program, directory.Path, args);
        if (variable is not null) info.Environment[variable[..variable.IndexOf('=')]] = variable[(variable.IndexOf('=') + 1)..];
        (int exitCode, string output, string error) = await ExternalTool.RunAsync(info, null, ExitLimit);

        Assert.True(exitCode == 2, $"exit code {exitCode}\nstdout:\n{output}\nstderr:\n{error}");
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected.Replace("{dir}", directory.Path), line);
        Assert.Equal("", output);
    }

    public static TheoryData<string, string[]> HelpRequests => new()
    {
        { Learner, ["--help"] },
        { Learner, ["-h"] },
        { Learner, ["train", "--help"] },
        { Learner, ["train", "-h", "--env-steps", "100"] },
        { Learner, ["evaluate", "--help"] },
        { Learner, ["serve", "--help"] },
        { Learner, ["launch", "--help"] },
        { Learner, ["compose", "--help"] },
        { Learner, ["curves", "--help"] },
        { Learner, ["settings", "--help"] },
        { Actors, ["--help"] },
        { Actors, ["-h", "--envs", "4"] },
        { Shard, ["--help"] },
        { Shard, ["-h"] },
    };

    [Theory]
    [MemberData(nameof(HelpRequests))]
    public async Task Help_prints_usage_exits_0_and_starts_nothing(string program, string[] args)
    {
        using var directory = new TestDirectory();
        (int exitCode, string output, string error) = await ExternalTool.RunAsync(ChildProcess.Dotnet(program, directory.Path, args), null, ExitLimit);

        Assert.True(exitCode == 0, $"exit code {exitCode}\nstdout:\n{output}\nstderr:\n{error}");
        Assert.Equal("", error);
        Assert.Contains("Usage:", output);
        Assert.DoesNotContain("listening on", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path)); // no replay-data/, runs/ or anything else
    }

    [Theory]
    [InlineData(Learner, "train", "--batch-size <int>", "Transitions per update (minibatch size). [default: 128; multigoal 64, tworoutes 64]")]
    [InlineData(Learner, "train", "--init-from <text>", "A run whose networks (Q, target Q, sampling network) this new run starts from")]
    [InlineData(Learner, "serve", "--seeds <text>", "Seed nodes, comma-separated")]
    [InlineData(Learner, "launch", "--actors <int>", "Actor node processes. [default: 3]")]
    [InlineData(Learner, "evaluate", "--episodes <int>", "Evaluation episodes. [default: 100]")]
    [InlineData(Actors, null, "--flush-ms <int>", "[default: 20]")]
    [InlineData(Shard, null, "--capacity <int>", "Transitions this shard holds; the oldest are replaced beyond. [default: 1000000]")]
    public async Task Help_shows_each_option_with_its_meaning_and_default(string program, string? command, string option, string text)
    {
        using var directory = new TestDirectory();
        (_, string output, _) = await ExternalTool.RunAsync(ChildProcess.Dotnet(program, directory.Path, command is null ? ["--help"] : [command, "--help"]), null, ExitLimit);
        string line = Assert.Single(output.Split('\n'), l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        Assert.Contains(text, line);
    }
}
