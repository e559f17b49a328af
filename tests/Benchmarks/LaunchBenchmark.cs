using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SoftQDistributed.Benchmarks;

/// <summary>
/// <c>launch</c>: end-to-end env steps and updates per second of a whole local cluster. Runs the Learner's
/// <c>launch</c> command as a process (its progress passes through on standard error) and re-prints the figures of
/// its summary.json as one JSON line.
/// </summary>
internal static class LaunchBenchmark
{
    public static Command Command()
    {
        var env = new Option<string>("--env") { DefaultValueFactory = _ => "multigoal", Description = "environment" };
        var actors = new Option<int>("--actors") { DefaultValueFactory = _ => 3, Description = "actor node processes" };
        var shards = new Option<int>("--shards") { DefaultValueFactory = _ => 2, Description = "replay shard processes" };
        var envsPerActor = new Option<int>("--envs-per-actor") { DefaultValueFactory = _ => 1, Description = "environments per actor node" };
        var envSteps = new Option<long>("--env-steps") { DefaultValueFactory = _ => 20_000, Description = "training budget in env steps" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "run seed" };
        var evalEpisodes = new Option<int>("--eval-episodes") { DefaultValueFactory = _ => 100, Description = "final evaluation episodes" };
        var settings = new Option<string?>("--settings") { Description = "more launch/train switches, space-separated (\"--hidden 64,64 --publish-interval 10\")" };
        var output = new Option<string?>("--out") { Description = "run directory (default: a new temporary one)" };
        var learnerDll = new Option<string?>("--learner-dll") { Description = "SoftQDistributed.Learner.dll (default: the repository's Release build)" };
        var command = new Command("launch", "end-to-end env steps/s and updates/s of `Learner launch` (shards, learner and actor processes on 127.0.0.1)")
            { env, actors, shards, envsPerActor, envSteps, seed, evalEpisodes, settings, output, learnerDll };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(output) ?? Path.Combine(Path.GetTempPath(), "softq-launch-bench-" + Guid.NewGuid().ToString("N")[..8]);
            List<string> args = ["launch", "--env", parse.GetValue(env)!, "--actors", parse.GetValue(actors).ToString(), "--shards", parse.GetValue(shards).ToString(),
                "--envs-per-actor", parse.GetValue(envsPerActor).ToString(), "--env-steps", parse.GetValue(envSteps).ToString(),
                "--seed", parse.GetValue(seed).ToString(), "--eval-episodes", parse.GetValue(evalEpisodes).ToString(), "--out", directory,
                .. (parse.GetValue(settings) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            return Run(parse.GetValue(learnerDll) ?? FindLearnerDll(), args);
        });
        return command;
    }

    private static int Run(string learnerDll, List<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(learnerDll);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        Console.Error.WriteLine($"dotnet {string.Join(' ', info.ArgumentList)}");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the Learner");
        string? last = null;
        while (process.StandardOutput.ReadLine() is { } line)
            if (!string.IsNullOrWhiteSpace(line)) last = line;
        process.WaitForExit();
        if (process.ExitCode != 0 || last is null)
        {
            Console.Error.WriteLine($"launch exited with code {process.ExitCode}");
            return process.ExitCode == 0 ? 1 : process.ExitCode;
        }
        JsonObject summary = JsonNode.Parse(last)!.AsObject();
        JsonNode distributed = summary["distributed"]!;
        var figures = new
        {
            benchmark = "launch",
            env = (string?)summary["env"],
            seed = (long?)summary["seed"],
            actors = (int?)distributed["actors"],
            shards = (int?)distributed["shards"],
            env_steps = (long?)summary["env_steps"],
            updates = (long?)summary["updates"],
            wall_seconds = (double?)distributed["wall_seconds"],
            env_steps_per_second = (double?)distributed["env_steps_per_second"],
            updates_per_second = (double?)distributed["updates_per_second"],
            mean_policy_lag_versions = (double?)distributed["mean_policy_lag_versions"],
            transitions_dropped = (long?)distributed["transitions_dropped"],
            child_restarts = (int?)distributed["child_restarts"],
            eval_mean_return = (double?)summary["eval"]?["mean_return"],
        };
        Console.WriteLine(JsonSerializer.Serialize(figures));
        return 0;
    }

    private static string FindLearnerDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "Learner", "bin", "Release", "net10.0", "SoftQDistributed.Learner.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("SoftQDistributed.Learner.dll not found: build it (dotnet build Learner -c Release) or pass --learner-dll");
    }
}
