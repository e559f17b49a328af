using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Learner.Composition;
using SoftQDistributed.Learner.Service;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Environments;

// The learner's commands. Errors a user can fix are one line on standard error and exit code 2.
const string Usage = "usage: Learner train [--env NAME] [--seed N] [--out DIR] [--force] [--env-steps N] [--eval-episodes N] [--SETTING VALUE ...]\n" +
                     "       Learner train --resume DIR [--env-steps N]\n" +
                     "       Learner serve --seeds HOST:PORT[,...] [--cluster-port C] [--http-port H] [--host IP] [--publish-interval P] [train settings]   (the learner as a cluster member)\n" +
                     "       Learner launch [--actors N] [--shards M] [--envs-per-actor E] [--SETTING VALUE ...]   (a local cluster of processes)\n" +
                     "       Learner evaluate --checkpoint DIR [--episodes N] [--seed S]\n" +
                     "       Learner compose --q RUN_A --q RUN_B --out DIR [--updates N] [--seed S] [--epoch-length N] [--eval-episodes N] [--force]\n" +
                     "       Learner settings   (lists every setting)";
try
{
    return args.FirstOrDefault() switch
    {
        "train" => TrainCommand.Run(args[1..]),
        "evaluate" => EvaluateCommand.Run(args[1..]),
        "serve" => ServeCommand.Run(args[1..]),
        "launch" => LaunchCommand.RunAsync(args[1..]).GetAwaiter().GetResult(),
        "compose" => ComposeCommand.Run(args[1..]),
        "settings" => PrintSettings(),
        _ => Fail(Usage),
    };
}
catch (Exception e) when (e is SettingsException or UnknownEnvironmentException or CheckpointException or IOException or UnauthorizedAccessException)
{
    return Fail($"error: {e.Message}");
}

static int PrintSettings()
{
    foreach ((string name, string key) in SettingsLoader.Switches()) Console.WriteLine($"{name,-28} {key}");
    foreach ((string name, string key) in SettingsLoader.ServeSwitches()) Console.WriteLine($"{name,-28} {key,-30} (serve only)");
    return 0;
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
