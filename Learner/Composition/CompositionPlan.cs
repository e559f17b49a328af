using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Learner.Composition;

/// <summary>
/// What composing some runs means, once they are known to fit together: one environment shape, one network shape,
/// one environment (MultiGoal's goal subsets may differ). The composed policy is evaluated in that environment,
/// for MultiGoal with the union of the runs' goals (an episode ends at whichever of them it reaches first);
/// <see cref="CommonGoals"/> are the goals every run's task rewards, where the composed policy should go.
/// </summary>
public sealed record CompositionPlan(IReadOnlyList<SourceRun> Sources, string EvaluationEnv, IReadOnlyList<int>? CommonGoals)
{
    /// <summary>Checks the runs against the first; a mismatch is a one-line <see cref="SettingsException"/>.</summary>
    public static CompositionPlan For(IReadOnlyList<SourceRun> sources)
    {
        if (sources.Count < 2) throw new SettingsException($"compose needs at least two runs (--q RUN twice), got {sources.Count}");
        SourceRun first = sources[0];
        foreach (SourceRun run in sources.Skip(1))
        {
            if (run.ObsDim != first.ObsDim || run.ActDim != first.ActDim)
                throw new SettingsException($"{run.Directory} has observations of size {run.ObsDim} and actions of size {run.ActDim}, {first.Directory} " +
                    $"{first.ObsDim} and {first.ActDim}: compose needs one environment shape");
            if (!run.SoftQ.Hidden.SequenceEqual(first.SoftQ.Hidden))
                throw new SettingsException($"{run.Directory}'s networks have hidden layers {string.Join("x", run.SoftQ.Hidden)}, {first.Directory}'s " +
                    $"{string.Join("x", first.SoftQ.Hidden)}: compose needs one network shape");
            if (!EnvironmentRegistry.SameTask(run.Train.Env, first.Train.Env))
                throw new SettingsException($"{run.Directory} trains {run.Train.Env}, {first.Directory} {first.Train.Env}: compose needs one environment " +
                    "(MultiGoal's goal subsets may differ)");
        }

        IReadOnlyList<int>[] goals = [.. sources.Select(run => EnvironmentRegistry.Default.Get(run.Train.Env).CreateRaw()).OfType<MultiGoal>().Select(env => env.Goals)];
        if (goals.Length == 0) return new CompositionPlan(sources, first.Train.Env, null);
        int[] union = [.. goals.SelectMany(g => g).Distinct().Order()];
        int[] common = [.. union.Where(g => goals.All(run => run.Contains(g)))];
        return new CompositionPlan(sources, MultiGoal.VariantName(union), common);
    }

    /// <summary>States of all runs' replays together.</summary>
    public int StateCount => Sources.Sum(run => run.StateCount);
}
