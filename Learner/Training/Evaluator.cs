using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// Rolls out the sampling network (stochastic, as the reference evaluates soft Q-learning policies; with ξ = 0 for
/// the deterministic baseline) on a fresh environment with its own seed, so evaluation never disturbs training's
/// random streams.
/// </summary>
public static class Evaluator
{
    /// <summary>The short evaluation at the end of epoch <paramref name="epoch"/> (its own seed per epoch).</summary>
    public static EvaluationResult Epoch(TrainingSettings train, Mlp policy, IGemm gemm, int epoch, bool deterministic = false) =>
        Run(train.EvaluationEnv, policy, gemm, train.EvalEpisodesPerEpoch, train.Seed + 10_000 + (ulong)epoch, deterministic: deterministic);

    /// <summary>The final evaluation of a run (EvalEpisodes, paths kept for the rollout plot).</summary>
    public static EvaluationResult Final(TrainingSettings train, Mlp policy, IGemm gemm, bool deterministic = false) =>
        Run(train.EvaluationEnv, policy, gemm, train.EvalEpisodes, train.Seed + 20_000, keepPaths: true, deterministic: deterministic);

    public static EvaluationResult Run(string env, Mlp policy, IGemm gemm, int episodes, ulong seed, bool keepPaths = false, bool deterministic = false)
    {
        IEnvironment environment = EnvironmentRegistry.Default.Make(env);
        int o = environment.ObservationDim, a = environment.ActionDim;
        var workspace = new MlpWorkspace(policy.Shape, 1);
        var rng = new Rng(seed);
        float[] observation = new float[o], next = new float[o], noise = new float[a];
        double[] returns = new double[episodes];
        long totalLength = 0;
        string task = EnvironmentRegistry.BaseName(env);
        int[]? goals = task.Equals("multigoal", StringComparison.OrdinalIgnoreCase) ? new int[MultiGoal.GoalCount] : null;
        int[]? routes = task.Equals("tworoutes", StringComparison.OrdinalIgnoreCase) ? new int[TwoRoutes.RouteCount] : null;
        int reached = 0;
        var paths = new List<float[]>();
        environment.Reset(rng.NextUInt64(), observation);
        for (int episode = 0; episode < episodes; episode++)
        {
            if (episode > 0) environment.Reset(observation);
            var path = keepPaths ? new List<float>(observation) : null;
            double total = 0;
            int route = -1;
            while (true)
            {
                if (!deterministic) rng.FillGaussian(noise);
                ReadOnlySpan<float> action = workspace.Forward(gemm, policy, observation, noise, 1, 1);
                StepResult step = environment.Step(action, next);
                total += step.Reward;
                totalLength++;
                path?.AddRange(next);
                if (routes is not null && route < 0) route = TwoRoutes.RouteAt(next[0], next[1]);
                next.CopyTo(observation, 0);
                if (step.Terminated || step.Truncated)
                {
                    if (goals is not null && step.Terminated && MultiGoal.GoalIndexAt(next) is int goal and >= 0) goals[goal]++;
                    if (step.Terminated) reached++;
                    if (routes is not null && route >= 0) routes[route]++;
                    break;
                }
            }
            returns[episode] = total;
            if (path is not null) paths.Add([.. path]);
        }
        double mean = episodes > 0 ? returns.Average() : double.NaN;
        double std = episodes > 0 ? Math.Sqrt(returns.Select(r => (r - mean) * (r - mean)).Average()) : double.NaN;
        return new EvaluationResult(
            episodes, mean, std,
            episodes > 0 ? returns.Min() : double.NaN, episodes > 0 ? returns.Max() : double.NaN,
            episodes > 0 ? (double)totalLength / episodes : double.NaN,
            goals, (goals is null && routes is null) || episodes == 0 ? null : (double)reached / episodes, routes)
        { Paths = paths };
    }
}
