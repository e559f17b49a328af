using System.CommandLine;
using System.Text.Json;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Learner.Training;

/// <summary><c>evaluate --checkpoint DIR [--episodes N] [--seed S]</c>: rolls out a saved policy; prints the eval JSON last.</summary>
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
        var command = new Command("evaluate", "Rolls out a saved policy; standard output's last line is the evaluation as JSON.") { checkpoint, episodes, seed };
        command.SetAction(parse => Run(parse.GetRequiredValue(checkpoint), parse.GetValue(episodes), parse.GetValue(seed)));
        return command;
    }

    public static int Run(string checkpointPath, int episodes, ulong seed)
    {
        if (episodes < 1) throw new SettingsException($"--episodes must be at least 1, got {episodes}");

        string fileName = Directory.Exists(checkpointPath) && File.Exists(Path.Combine(checkpointPath, TrainingCheckpoint.PolicyFileName))
            ? TrainingCheckpoint.PolicyFileName : TrainingCheckpoint.FileName;
        (SafetensorsFile file, TrainingSettings train, SoftQSettings softQ) = TrainingCheckpoint.Load(checkpointPath, fileName);
        Console.Error.WriteLine($"evaluate: policy from {Path.GetFullPath(file.Source)}");
        IEnvironment env = EnvironmentRegistry.Default.Make(train.EvaluationEnv);
        var nets = new SoftQNetworks(env.ObservationDim, env.ActionDim, softQ.Hidden, new Rng(0));
        TrainingCheckpoint.LoadPolicy(file, nets);
        IGemm gemm = GemmFactory.Create(UpdateBackend.Gemm(train.Backend), 1, Console.Error.WriteLine);
        EvaluationResult eval = Evaluator.Run(train.EvaluationEnv, nets.Policy, gemm, episodes, seed == 0 ? train.Seed + 20_000 : seed, deterministic: softQ.DeterministicPolicy);
        Console.WriteLine(JsonSerializer.Serialize(new { env = train.EvaluationEnv, checkpoint = file.Source, eval }));
        return 0;
    }
}
