using System.Text.Json;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Learner.Training;

/// <summary><c>evaluate --checkpoint DIR --episodes N [--seed S]</c>: rolls out a saved policy; prints the eval JSON last.</summary>
public static class EvaluateCommand
{
    public static int Run(IReadOnlyList<string> args)
    {
        string? checkpointPath = null;
        int episodes = 100;
        ulong seed = 0;
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string value = i + 1 < args.Count ? args[++i] : throw new SettingsException($"switch {name} needs a value");
            switch (name)
            {
                case "--checkpoint": checkpointPath = value; break;
                case "--episodes": episodes = ParseInt(name, value); break;
                case "--seed": seed = (ulong)ParseInt(name, value); break;
                default: throw new SettingsException($"unknown switch '{name}'; known: --checkpoint --episodes --seed");
            }
        }
        if (checkpointPath is null) throw new SettingsException("evaluate needs --checkpoint DIR (a run directory or a .safetensors file)");
        if (episodes < 1) throw new SettingsException($"--episodes must be at least 1, got {episodes}");

        string fileName = Directory.Exists(checkpointPath) && File.Exists(Path.Combine(checkpointPath, TrainingCheckpoint.PolicyFileName))
            ? TrainingCheckpoint.PolicyFileName : TrainingCheckpoint.FileName;
        (SafetensorsFile file, TrainingSettings train, SoftQSettings softQ) = TrainingCheckpoint.Load(checkpointPath, fileName);
        Console.Error.WriteLine($"evaluate: policy from {Path.GetFullPath(file.Source)}");
        IEnvironment env = EnvironmentRegistry.Default.Make(train.Env);
        var nets = new SoftQNetworks(env.ObservationDim, env.ActionDim, softQ.Hidden, new Rng(0));
        TrainingCheckpoint.LoadPolicy(file, nets);
        IGemm gemm = GemmFactory.Create(UpdateBackend.Gemm(train.Backend), 1, Console.Error.WriteLine);
        EvaluationResult eval = Evaluator.Run(train.Env, nets.Policy, gemm, episodes, seed == 0 ? train.Seed + 20_000 : seed, deterministic: softQ.DeterministicPolicy);
        Console.WriteLine(JsonSerializer.Serialize(new { env = train.Env, checkpoint = file.Source, eval }));
        return 0;
    }

    private static int ParseInt(string name, string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int parsed)
            ? parsed : throw new SettingsException($"{name} = '{value}' is not an integer");
}
