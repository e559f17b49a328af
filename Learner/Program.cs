using System.CommandLine;
using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Learner.Composition;
using SoftQDistributed.Learner.Service;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.CommandLine;
using SoftQDistributed.Shared.Environments;

// The learner's commands, each a System.CommandLine command with its options made from the settings records: a new
// command is one line here. --help on any of them prints its options with their meaning and default and starts nothing.
var root = new RootCommand("SoftQDistributed learner: soft Q-learning with amortized SVGD, embedded (train) or as a cluster (serve, launch). " +
                           "Every setting is also a key in appsettings.json and an environment variable; `settings` lists them all (docs/settings.md).")
{
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    ServeCommand.Create(),
    LaunchCommand.Create(),
    ComposeCommand.Create(),
    CurvesCommand.Create(),
    SettingsCommand.Create(),
};
// Errors a user can fix are one line on standard error and exit code 2.
return await CommandLineProgram.RunAsync(root, args,
    e => e is SettingsException or UnknownEnvironmentException or CheckpointException or IOException or UnauthorizedAccessException);
