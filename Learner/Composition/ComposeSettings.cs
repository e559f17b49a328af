using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Learner.Composition;

/// <summary>
/// What <c>compose</c> is asked for. Everything else (batch size, particles, learning rate, hidden layers,
/// evaluation episodes per epoch) is the first run's, as the composed sampler replaces that run's.
/// </summary>
/// <param name="Runs">The run directories whose Q functions are summed (two or more).</param>
/// <param name="Out">Where the composition goes; never one of <paramref name="Runs"/>.</param>
/// <param name="Updates">SVGD steps of the new sampling network (the reference: 100 epochs of 100).</param>
/// <param name="EpochLength">SVGD steps between short evaluations (one metrics.csv row each; the reference's epochs are 100 steps).</param>
/// <param name="EvalEpisodes">Episodes of the final evaluation.</param>
/// <param name="Force">Replace a composition already in <paramref name="Out"/>.</param>
public sealed record ComposeSettings(IReadOnlyList<string> Runs, string Out, long Updates = 10_000, ulong Seed = 1, int EpochLength = 100,
    int EvalEpisodes = 100, bool Force = false)
{
    public void Validate()
    {
        if (Runs.Count < 2) throw new SettingsException($"compose needs at least two runs (--q RUN, twice or more), got {Runs.Count}");
        if (Updates < 1) throw new SettingsException($"--updates must be at least 1, got {Updates}");
        if (EpochLength < 1) throw new SettingsException($"--epoch-length must be at least 1, got {EpochLength}");
        if (EvalEpisodes < 1) throw new SettingsException($"--eval-episodes must be at least 1, got {EvalEpisodes}");
        if (string.IsNullOrWhiteSpace(Out)) throw new SettingsException("--out must name a directory");
        string output = FullPath(Out);
        if (Runs.Any(run => FullPath(run) == output)) throw new SettingsException($"--out {Out} is one of the composed runs; write the composition elsewhere");
    }

    private static string FullPath(string directory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
}
