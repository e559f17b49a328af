using System.CommandLine;
using SoftQDistributed.Benchmarks;

// Each benchmark is a subcommand that prints its figures and, as its last line, one JSON object.
var root = new RootCommand("SoftQDistributed benchmarks");
root.Subcommands.Add(UpdateBenchmark.Command());
root.Subcommands.Add(GemmBenchmark.Command());
root.Subcommands.Add(PeakBenchmark.Command());
root.Subcommands.Add(ReplayBenchmark.Command());
root.Subcommands.Add(LaunchBenchmark.Command());
root.Subcommands.Add(ActorBenchmark.Command());
foreach (Command command in ClusterBenchmark.Commands()) root.Subcommands.Add(command);
root.Subcommands.Add(EnvStepsBenchmark.Command());
return root.Parse(args).Invoke();
