using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Plots;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// The figures a run leaves in its output directory: the learning curve; for MultiGoal and TwoRoutes the evaluation
/// rollouts over the cost landscape and the Q-value contours with policy samples (as the reference draws); for a
/// MuJoCo task one evaluation episode's trajectories (<see cref="LocomotionPlots"/>).
/// </summary>
public static class RunPlots
{
    public const int SamplesPerState = 100;

    public static IReadOnlyList<string> Write(string directory, string env, IReadOnlyList<EpochMetrics> epochs,
        EvaluationResult eval, SoftQNetworks nets, IGemm gemm, ulong seed, bool deterministic = false)
    {
        var written = new List<string>();
        double[] steps = epochs.Select(e => (double)e.EnvSteps).ToArray();
        double[] mean = epochs.Select(e => e.ReturnAverage).ToArray();
        var series = new LineSeries("evaluation return (mean)", steps, mean)
        {
            BandLower = epochs.Select(e => e.ReturnAverage - e.ReturnStd).ToArray(),
            BandUpper = epochs.Select(e => e.ReturnAverage + e.ReturnStd).ToArray(),
            BandLabel = "± 1 std",
        };
        string curve = Path.Combine(directory, "learning_curve.svg");
        new LineChart($"{env}: learning curve", "environment steps", "evaluation return", [series]).Save(curve);
        written.Add(curve);

        if (LocomotionPlots.Applies(env)) written.AddRange(LocomotionPlots.Write(directory, env, nets.Policy, gemm, seed));
        switch (EnvironmentRegistry.Default.Get(env).CreateRaw())
        {
            case MultiGoal multiGoal:
                written.AddRange(WriteMultiGoal(directory, eval, nets.Q, nets.Policy, gemm, seed, multiGoal.Goals, deterministic: deterministic));
                break;
            case TwoRoutes:
                string rolloutFile = Path.Combine(directory, "rollouts.svg");
                TwoRoutesPlots.Rollouts(Rollouts(eval)).Save(rolloutFile);
                string contourFile = Path.Combine(directory, "q_contours.svg");
                QContours(TwoRoutesPlots.QStates, nets.Q, nets.Policy, gemm, seed, "TwoRoutes: Q(s, a) over the action square, with policy samples", deterministic).Save(contourFile);
                written.AddRange([rolloutFile, contourFile]);
                break;
        }
        return written;
    }

    /// <summary>
    /// MultiGoal's two figures: the evaluation rollouts over the cost landscape of <paramref name="goals"/>, and
    /// <paramref name="q"/>'s contours over the action square with samples of <paramref name="policy"/>.
    /// </summary>
    public static IReadOnlyList<string> WriteMultiGoal(string directory, EvaluationResult eval, Mlp q, Mlp policy, IGemm gemm, ulong seed,
        IReadOnlyList<int> goals, string qTitle = "MultiGoal: Q(s, a) over the action square, with policy samples", bool deterministic = false)
    {
        string rolloutFile = Path.Combine(directory, "rollouts.svg");
        MultiGoalPlots.Rollouts(Rollouts(eval), goals: goals).Save(rolloutFile);

        string contourFile = Path.Combine(directory, "q_contours.svg");
        QContours(MultiGoalPlots.QStates, q, policy, gemm, seed, qTitle, deterministic).Save(contourFile);
        return [rolloutFile, contourFile];
    }

    /// <summary>The evaluation episodes' positions as (x, y) paths.</summary>
    private static List<(double[] X, double[] Y)> Rollouts(EvaluationResult eval) => eval.Paths.Select(path =>
        (Enumerable.Range(0, path.Length / 2).Select(i => (double)path[2 * i]).ToArray(),
         Enumerable.Range(0, path.Length / 2).Select(i => (double)path[2 * i + 1]).ToArray())).ToList();

    /// <summary>Q over the action square at each of <paramref name="states"/>, with the policy's actions there (its noise 0 for the deterministic baseline).</summary>
    private static FieldFigure QContours(IReadOnlyList<(double X, double Y)> states, Mlp q, Mlp policy, IGemm gemm, ulong seed, string title, bool deterministic)
    {
        var qWorkspace = new MlpWorkspace(q.Shape, 1);
        var policyWorkspace = new MlpWorkspace(policy.Shape, SamplesPerState, 1);
        float[] obs = new float[2], action = new float[2];
        double Q(int state, double ax, double ay)
        {
            (obs[0], obs[1]) = ((float)states[state].X, (float)states[state].Y);
            (action[0], action[1]) = ((float)ax, (float)ay);
            return qWorkspace.Forward(gemm, q, obs, action, 1, 1)[0];
        }
        var rng = new Rng(seed);
        var sampleX = new List<double[]>();
        var sampleY = new List<double[]>();
        float[] noise = new float[SamplesPerState * 2];
        foreach ((double x, double y) in states)
        {
            if (!deterministic) rng.FillGaussian(noise);
            float[] samples = policyWorkspace.Forward(gemm, policy, new[] { (float)x, (float)y }, noise, 1, SamplesPerState).ToArray();
            sampleX.Add(Enumerable.Range(0, SamplesPerState).Select(i => (double)samples[2 * i]).ToArray());
            sampleY.Add(Enumerable.Range(0, SamplesPerState).Select(i => (double)samples[2 * i + 1]).ToArray());
        }
        return MultiGoalPlots.QContours(states, Q, sampleX, sampleY, title);
    }
}
