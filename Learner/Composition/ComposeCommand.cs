using System.CommandLine;

namespace SoftQDistributed.Learner.Composition;

/// <summary>
/// <c>compose --q RUN_A --q RUN_B --out RUN_C</c>: a sampling network for Q_A + Q_B (<see cref="Composer"/>). Progress
/// goes to standard error; standard output's last line is summary.json.
/// </summary>
public static class ComposeCommand
{
    public static Command Create()
    {
        var runs = new Option<string[]>("--q")
        {
            Description = "a run directory of train whose Q function is summed (give it twice or more)",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string>("--out") { Description = "directory for the composition", Required = true };
        var updates = new Option<long>("--updates") { Description = "SVGD updates of the new sampling network", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<ulong>("--seed") { Description = "seed of the new network, its noise and the minibatches", DefaultValueFactory = _ => 1 };
        var epochLength = new Option<int>("--epoch-length") { Description = "updates between short evaluations", DefaultValueFactory = _ => 100 };
        var evalEpisodes = new Option<int>("--eval-episodes") { Description = "episodes of the final evaluation", DefaultValueFactory = _ => 100 };
        var force = new Option<bool>("--force") { Description = "replace a composition already in --out" };
        var command = new Command("compose", "train a sampling network for the sum of several runs' Q functions, by SVGD only, on the union of their replays")
        {
            runs, output, updates, seed, epochLength, evalEpisodes, force,
        };
        command.SetAction(parse =>
        {
            var settings = new ComposeSettings(parse.GetValue(runs)!, parse.GetValue(output)!, parse.GetValue(updates), parse.GetValue(seed),
                parse.GetValue(epochLength), parse.GetValue(evalEpisodes), parse.GetValue(force));
            Console.WriteLine(Composer.Run(settings, Console.Error.WriteLine).ToJson());
            return 0;
        });
        return command;
    }
}
