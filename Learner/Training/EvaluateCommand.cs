using System.CommandLine;
using System.Text.Json;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// <c>evaluate --checkpoint DIR [--episodes N] [--seed S] [--env VARIANT]</c>: rolls out a saved policy (on the run's
/// evaluation environment, or on another variant of its task); prints the eval JSON last.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "A run directory (its policy.safetensors, else checkpoint.safetensors) or a .safetensors file.",
            HelpName = "dir|file",
            Required = true,
        };
        var episodes = new Option<int>("--episodes") { Description = "Evaluation episodes.", HelpName = "int", DefaultValueFactory = _ => 100 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the episodes; 0: the run's seed + 20000.", HelpName = "int", DefaultValueFactory = _ => 0 };
        var env = new Option<string>("--env")
        {
            Description = "A variant of the run's task to evaluate on (e.g. tworoutes:start_sigma=0.1, halfcheetah for a halfcheetah:reward=speed run); default: the run's evaluation environment.",
            HelpName = "name[:options]",
            DefaultValueFactory = _ => "",
        };
        var command = new Command("evaluate", "Rolls out a saved policy; standard output's last line is the evaluation as JSON.") { checkpoint, episodes, seed, env };
        command.SetAction(parse => Run(parse.GetRequiredValue(checkpoint), parse.GetValue(episodes), parse.GetValue(seed), parse.GetValue(env)!));
        return command;
    }

    public static int Run(string checkpointPath, int episodes, ulong seed, string envVariant = "")
    {
        if (episodes < 1) throw new SettingsException($"--episodes must be at least 1, got {episodes}");

        string fileName = Directory.Exists(checkpointPath) && File.Exists(Path.Combine(checkpointPath, TrainingCheckpoint.PolicyFileName))
            ? TrainingCheckpoint.PolicyFileName : TrainingCheckpoint.FileName;
        (SafetensorsFile file, TrainingSettings train, SoftQSettings softQ) = TrainingCheckpoint.Load(checkpointPath, fileName);
        string envName = EvaluationEnvironment(train, envVariant);
        IEnvironment env = EnvironmentRegistry.Default.Make(envName); // refuses bad options in one line, before any output
        Console.Error.WriteLine($"evaluate: policy from {Path.GetFullPath(file.Source)}, on {envName}");
        var nets = new SoftQNetworks(env.ObservationDim, env.ActionDim, softQ.Hidden, new Rng(0));
        TrainingCheckpoint.LoadPolicy(file, nets);
        IGemm gemm = GemmFactory.Create(UpdateBackend.Gemm(train.Backend), 1, Console.Error.WriteLine);
        EvaluationResult eval = Evaluator.Run(envName, nets.Policy, gemm, episodes, seed == 0 ? train.Seed + 20_000 : seed, deterministic: softQ.DeterministicPolicy);
        Console.WriteLine(JsonSerializer.Serialize(new { env = envName, checkpoint = file.Source, eval }));
        return 0;
    }

    /// <summary>The run's evaluation environment, or <paramref name="variant"/> when it names another variant of the same task.</summary>
    private static string EvaluationEnvironment(TrainingSettings train, string variant)
    {
        if (variant.Length == 0) return train.EvaluationEnv;
        if (!EnvironmentRegistry.SameTask(variant, train.Env))
            throw new SettingsException($"--env must be a variant of the run's task {EnvironmentRegistry.BaseName(train.Env)}, got {variant}");
        return EnvironmentRegistry.Default.Canonical(variant);
    }
}
