using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Plots;

namespace SoftQDistributed.Learner.Composition;

/// <summary>
/// <c>compose</c>: the sum of the runs' Q functions (<see cref="SummedQNetwork"/>), frozen, and a new sampling network
/// trained for it by SVGD alone on minibatches of states drawn uniformly from the union of the runs' replays, with no
/// new environment steps (the reference's pusher_combine.py: SumQFunction, UnionBuffer, train_qf=False). A short
/// evaluation every epoch, then the final one; the output directory gets policy.safetensors (for <c>evaluate</c> and
/// actors), composition.safetensors (the summed Q and the policy), metrics.csv, summary.json and the figures.
/// </summary>
public static class Composer
{
    public const string FileName = "composition.safetensors";
    public const string CurveFileName = "composition_curve.svg";

    private static readonly string[] OutputFiles =
        [FileName, TrainingCheckpoint.PolicyFileName, CompositionSummary.FileName, MetricsLog.FileName];

    private sealed record Epoch(long Updates, double Surrogate, EvaluationResult Eval);

    public static CompositionSummary Run(ComposeSettings settings, Action<string> log)
    {
        settings.Validate();
        RefuseToReplace(settings);
        var clock = Stopwatch.StartNew();
        SourceRun[] sources = [.. settings.Runs.Select(SourceRun.Load)];
        CompositionPlan plan = CompositionPlan.For(sources);
        SourceRun first = sources[0];
        SoftQSettings softQ = first.SoftQ;
        TrainingSettings train = first.Train with { Env = plan.EvaluationEnv, EvalEnv = "", Seed = settings.Seed, Out = settings.Out, EvalEpisodes = settings.EvalEpisodes };
        IGemm gemm = GemmFactory.Create(UpdateBackend.Gemm(first.Train.Backend), 1, log);
        var policy = new Mlp(new MlpShape(first.ObsDim, first.ActDim, softQ.Hidden, first.ActDim, TanhOutput: true));
        policy.InitializeXavier(new Rng(settings.Seed));
        var nets = new SoftQNetworks(SummedQNetwork.Build([.. sources.Select(run => run.Q)]), policy);
        log($"compose: {string.Join(" + ", sources.Select(run => $"Q of {run.Directory} ({run.Train.Env})"))}; {plan.StateCount} replay states; " +
            $"evaluation in {plan.EvaluationEnv}; {settings.Updates} SVGD updates, batch {train.BatchSize}, K {softQ.SvgdParticles}");

        var update = new SvgdOnlyUpdate(nets.Q, nets.Policy, softQ, gemm, new Rng(settings.Seed + 1), train.BatchSize);
        List<Epoch> epochs = Train(settings, train, plan, nets.Policy, update, gemm, clock, log);
        EvaluationResult eval = Evaluator.Final(train, nets.Policy, gemm);

        Directory.CreateDirectory(settings.Out);
        var metadata = new Dictionary<string, string>
        {
            ["composed_from"] = JsonSerializer.Serialize(sources.Select(run => run.Directory)),
            ["composed_envs"] = JsonSerializer.Serialize(sources.Select(run => run.Train.Env)),
        };
        TrainingCheckpoint.Save(settings.Out, nets, writer =>
        {
            writer.Add("q", nets.Q.Parameters);
            writer.Add("policy", nets.Policy.Parameters);
            writer.Add("counters", [update.Updates, update.SkippedUpdates]);
        }, train, softQ, metadata, FileName);
        WriteMetrics(settings.Out, epochs);
        foreach (string plot in WritePlots(settings.Out, plan, epochs, eval, nets, gemm, settings.Seed + 30_000)) log($"wrote {plot}");

        int[]? counts = eval.GoalCounts;
        Dictionary<string, double>? goalShares = counts?.Select((count, goal) => (goal, count)).ToDictionary(g => GoalLabel(g.goal), g => Share(g.count, eval.Episodes));
        double? commonGoalShare = plan.CommonGoals is null || counts is null ? null : Share(plan.CommonGoals.Sum(g => counts[g]), eval.Episodes);
        var summary = new CompositionSummary([.. sources.Select(run => run.Directory)], [.. sources.Select(run => run.Train.Env)], plan.EvaluationEnv,
            settings.Seed, update.Updates, update.SkippedUpdates, plan.StateCount, Math.Round(clock.Elapsed.TotalSeconds, 2), eval,
            goalShares, plan.CommonGoals?.Select(GoalLabel).ToArray(), commonGoalShare);
        File.WriteAllText(Path.Combine(settings.Out, CompositionSummary.FileName), summary.ToJson() + Environment.NewLine);
        return summary;
    }

    private static List<Epoch> Train(ComposeSettings settings, TrainingSettings train, CompositionPlan plan, Mlp policy, SvgdOnlyUpdate update,
        IGemm gemm, Stopwatch clock, Action<string> log)
    {
        float[] states = [.. plan.Sources.SelectMany(run => run.Observations)];
        int obsDim = plan.Sources[0].ObsDim, stateCount = plan.StateCount, batch = train.BatchSize;
        float[] batchStates = new float[batch * obsDim];
        var sampleRng = new Rng(settings.Seed + 2);
        var epochs = new List<Epoch>();
        double surrogate = 0;
        long epochStart = 0;
        void Evaluate(long step)
        {
            EvaluationResult eval = Evaluator.Epoch(train, policy, gemm, epochs.Count);
            epochs.Add(new Epoch(step, step > epochStart ? surrogate / (step - epochStart) : double.NaN, eval));
            (surrogate, epochStart) = (0, step);
            if (epochs.Count % 10 != 1 && step != settings.Updates) return;
            string goals = eval.GoalCounts is null ? "" : $" | episodes at each goal [{string.Join(", ", eval.GoalCounts)}]";
            log($"updates {step}/{settings.Updates} | return {eval.MeanReturn:F1}{goals} | {clock.Elapsed.TotalSeconds:F0} s");
        }

        Evaluate(0); // the fresh sampling network, where the curve starts
        for (long step = 1; step <= settings.Updates; step++)
        {
            for (int i = 0; i < batch; i++)
                states.AsSpan(sampleRng.NextInt(stateCount) * obsDim, obsDim).CopyTo(batchStates.AsSpan(i * obsDim, obsDim));
            surrogate += update.Update(batchStates, batch);
            if (step % settings.EpochLength == 0 || step == settings.Updates) Evaluate(step);
        }
        return epochs;
    }

    /// <summary>metrics.csv: per epoch the SVGD surrogate's mean and the short evaluation (for MultiGoal, episodes ending at each goal).</summary>
    private static void WriteMetrics(string directory, IReadOnlyList<Epoch> epochs)
    {
        var lines = new List<string> { "updates,svgd_surrogate,eval_episodes,eval_return_mean,eval_goal_counts" };
        lines.AddRange(epochs.Select(e => string.Join(",", e.Updates, F(e.Surrogate), e.Eval.Episodes, F(e.Eval.MeanReturn),
            e.Eval.GoalCounts is null ? "" : string.Join(";", e.Eval.GoalCounts))));
        File.WriteAllLines(Path.Combine(directory, MetricsLog.FileName), lines);
    }

    private static IReadOnlyList<string> WritePlots(string directory, CompositionPlan plan, IReadOnlyList<Epoch> epochs, EvaluationResult eval,
        SoftQNetworks nets, IGemm gemm, ulong seed)
    {
        double[] updates = [.. epochs.Select(e => (double)e.Updates)];
        string curve = Path.Combine(directory, CurveFileName);
        if (EnvironmentRegistry.Default.Get(plan.EvaluationEnv).CreateRaw() is not MultiGoal multiGoal)
        {
            var returns = new LineSeries("evaluation return (mean)", updates, [.. epochs.Select(e => e.Eval.MeanReturn)]);
            new LineChart($"{plan.EvaluationEnv}: composed policy", "SVGD updates", "evaluation return", [returns]).Save(curve);
            return [curve];
        }
        LineSeries[] shares = [.. multiGoal.Goals.Select(goal => plan.CommonGoals!.Contains(goal)
            ? new LineSeries($"at {GoalLabel(goal)}, every task's goal", updates, SharesAt(goal))
            : new LineSeries($"at {GoalLabel(goal)}", updates, SharesAt(goal)) { Dashed = true })];
        new LineChart("MultiGoal: where the composed policy's evaluation episodes end", "SVGD updates", "share of evaluation episodes", shares).Save(curve);
        double[] SharesAt(int goal) => [.. epochs.Select(e => Share(e.Eval.GoalCounts![goal], e.Eval.Episodes))];
        string sum = string.Join(" + ", plan.Sources.Select((_, i) => $"Q_{(char)('A' + i)}"));
        return [curve, .. RunPlots.WriteMultiGoal(directory, eval, nets.Q, nets.Policy, gemm, seed, multiGoal.Goals,
            $"MultiGoal: composed {sum} over the action square, with policy samples")];
    }

    /// <summary>A composition replaces only a composition (with --force), never a train run.</summary>
    private static void RefuseToReplace(ComposeSettings settings)
    {
        if (File.Exists(Path.Combine(settings.Out, TrainingCheckpoint.FileName)))
            throw new SettingsException($"--out {settings.Out} holds a train run ({TrainingCheckpoint.FileName}); write the composition elsewhere");
        string[] found = [.. OutputFiles.Where(file => File.Exists(Path.Combine(settings.Out, file)))];
        if (found.Length > 0 && !settings.Force)
            throw new SettingsException($"--out {settings.Out} already holds a run ({string.Join(", ", found)}); give --force to replace it");
    }

    private static string GoalLabel(int goal) =>
        string.Create(CultureInfo.InvariantCulture, $"({MultiGoal.GoalX[goal]}, {MultiGoal.GoalY[goal]})");

    private static double Share(int count, int episodes) => Math.Round((double)count / episodes, 4);

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
