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
        bool multiGoal = env.Equals("multigoal", StringComparison.OrdinalIgnoreCase);
        if (!multiGoal && !env.Equals("tworoutes", StringComparison.OrdinalIgnoreCase)) return written;

        var rollouts = eval.Paths.Select(path =>
            (Enumerable.Range(0, path.Length / 2).Select(i => (double)path[2 * i]).ToArray(),
             Enumerable.Range(0, path.Length / 2).Select(i => (double)path[2 * i + 1]).ToArray())).ToList();
        string rolloutFile = Path.Combine(directory, "rollouts.svg");
        (multiGoal ? MultiGoalPlots.Rollouts(rollouts) : TwoRoutesPlots.Rollouts(rollouts)).Save(rolloutFile);
        written.Add(rolloutFile);

        string contourFile = Path.Combine(directory, "q_contours.svg");
        (multiGoal
            ? QContours(MultiGoalPlots.QStates, "MultiGoal", nets, gemm, seed, deterministic)
            : QContours(TwoRoutesPlots.QStates, "TwoRoutes", nets, gemm, seed, deterministic)).Save(contourFile);
        written.Add(contourFile);
        return written;
    }

    private static FieldFigure QContours(IReadOnlyList<(double X, double Y)> states, string env, SoftQNetworks nets, IGemm gemm, ulong seed, bool deterministic)
    {
        var qWorkspace = new MlpWorkspace(nets.Q.Shape, 1);
        var policyWorkspace = new MlpWorkspace(nets.Policy.Shape, SamplesPerState, 1);
        float[] obs = new float[2], action = new float[2];
        double Q(int state, double ax, double ay)
        {
            (obs[0], obs[1]) = ((float)states[state].X, (float)states[state].Y);
            (action[0], action[1]) = ((float)ax, (float)ay);
            return qWorkspace.Forward(gemm, nets.Q, obs, action, 1, 1)[0];
        }
        var rng = new Rng(seed);
        var sampleX = new List<double[]>();
        var sampleY = new List<double[]>();
        float[] noise = new float[SamplesPerState * 2];
        foreach ((double x, double y) in states)
        {
            if (!deterministic) rng.FillGaussian(noise);
            float[] samples = policyWorkspace.Forward(gemm, nets.Policy, new[] { (float)x, (float)y }, noise, 1, SamplesPerState).ToArray();
            sampleX.Add(Enumerable.Range(0, SamplesPerState).Select(i => (double)samples[2 * i]).ToArray());
            sampleY.Add(Enumerable.Range(0, SamplesPerState).Select(i => (double)samples[2 * i + 1]).ToArray());
        }
        return MultiGoalPlots.QContours(states, Q, sampleX, sampleY, $"{env}: Q(s, a) over the action square, with policy samples");
    }
}
