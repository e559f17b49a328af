using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Learner.Training;

/// <summary>The end of a run, the same for <c>train</c> and <c>serve</c>: final evaluation, plots and <c>summary.json</c>.</summary>
public static class FinalReport
{
    public const string SummaryFileName = "summary.json";

    /// <summary>
    /// Evaluates, draws the plots, writes summary.json and returns it. <paramref name="wallSeconds"/> gives the run's
    /// wall time so far, read after the final evaluation; the rates in the summary are over it, so a resumed run's
    /// count its earlier processes' time too.
    /// </summary>
    public static RunSummary Write(TrainingSettings train, IReadOnlyList<EpochMetrics> epochs, LearnerState learner, long envSteps,
        IGemm gemm, Func<double> wallSeconds, bool resumed, Action<string> log)
    {
        EvaluationResult eval = Evaluator.Final(train, learner.Networks.Policy, gemm, learner.Update.Settings.DeterministicPolicy);
        double wall = wallSeconds();
        foreach (string plot in RunPlots.Write(train.Out, train.Env, epochs, eval, learner.Networks, gemm, train.Seed + 30_000, learner.Update.Settings.DeterministicPolicy))
            log($"wrote {plot}");
        SoftQUpdate update = learner.Update;
        var summary = new RunSummary(train.Env, train.Seed, envSteps, update.Updates, update.SkippedUpdates,
            Math.Round(wall, 2), Math.Round(update.Updates / wall, 1), Math.Round(envSteps / wall, 1),
            Math.Round(Environment.CpuUsage.TotalTime.TotalSeconds, 2), resumed, update.Backend, eval);
        File.WriteAllText(Path.Combine(train.Out, SummaryFileName), summary.ToJson() + Environment.NewLine);
        return summary;
    }
}
