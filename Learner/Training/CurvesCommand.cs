using System.CommandLine;
using System.Text.Json;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Plots;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// <c>curves --group LABEL=RUN,RUN,... [--group ...] --out FIGURE.svg</c>: the learning curves of groups of runs on one
/// plot (each group's mean evaluation return over its runs, with their min–max as a band), such as fine-tuned against
/// from-scratch over several seeds. Prints each group's curve as JSON.
/// </summary>
public static class CurvesCommand
{
    public static Command Create()
    {
        var groups = new Option<string[]>("--group")
        {
            Description = "LABEL=RUN,RUN,...: runs (directories holding metrics.csv) averaged into one curve; give one --group per curve.",
            HelpName = "label=dir,...",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var figure = new Option<string>("--out") { Description = "The SVG file to write.", HelpName = "file.svg", Required = true };
        var title = new Option<string>("--title") { Description = "The figure's title.", HelpName = "text", DefaultValueFactory = _ => "learning curves" };
        var command = new Command("curves", "Learning curves of groups of runs on one plot; standard output's last line is the curves as JSON.") { groups, figure, title };
        command.SetAction(parse => Run(parse.GetRequiredValue(groups), parse.GetRequiredValue(figure), parse.GetValue(title)!));
        return command;
    }

    public static int Run(IReadOnlyList<string> groups, string outFile, string title)
    {
        var series = new List<LineSeries>();
        var report = new List<object>();
        foreach (string group in groups)
        {
            (string label, string[] runs) = ParseGroup(group);
            IReadOnlyList<EpochMetrics>[] curves = [.. runs.Select(ReadCurve)];
            // The env steps every run of the group reached, so each point averages the same runs.
            double[] steps = [.. curves.Select(c => c.Select(e => (double)e.EnvSteps)).Aggregate((a, b) => a.Intersect(b)).Order()];
            if (steps.Length == 0) throw new SettingsException($"--group {label}: its runs share no epoch (their metrics.csv rows are at different env steps)");
            double[][] returns = [.. steps.Select(s => curves.Select(c => c.First(e => e.EnvSteps == (long)s).ReturnAverage).ToArray())];
            bool band = runs.Length > 1;
            series.Add(new LineSeries(band ? $"{label}, mean of {runs.Length}" : label, steps, [.. returns.Select(r => r.Average())])
            {
                BandLower = band ? [.. returns.Select(r => r.Min())] : null,
                BandUpper = band ? [.. returns.Select(r => r.Max())] : null,
                BandLabel = band ? "min–max" : null,
            });
            report.Add(new { label, runs, env_steps = steps, mean_return = returns.Select(r => Math.Round(r.Average(), 2)) });
        }
        new LineChart(title, "environment steps", "evaluation return (mean of the epoch's episodes)", series).Save(outFile);
        Console.Error.WriteLine($"wrote {outFile}");
        Console.WriteLine(JsonSerializer.Serialize(new { figure = outFile, groups = report }));
        return 0;
    }

    private static (string Label, string[] Runs) ParseGroup(string group)
    {
        int equals = group.IndexOf('=');
        string[] runs = equals < 0 ? [] : group[(equals + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (equals <= 0 || runs.Length == 0) throw new SettingsException($"--group '{group}' is not of the form label=run1,run2");
        return (group[..equals], runs);
    }

    private static IReadOnlyList<EpochMetrics> ReadCurve(string run)
    {
        string path = Path.Combine(run, MetricsLog.FileName);
        if (!File.Exists(path)) throw new SettingsException($"{run} holds no {MetricsLog.FileName}");
        return MetricsLog.ReadAll(run);
    }
}
