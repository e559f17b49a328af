using SoftQDistributed.Learner;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Replay;
using SoftQDistributed.Tests.Reference;

namespace SoftQDistributed.Tests;

/// <summary>
/// The whole update's two gradients on a tiny problem, against float64 finite differences of the losses
/// written out independently from ALGORITHM.md: J_Q = ½·mean((Q(s,a) − y)²) with y from the target network
/// and the uniform-proposal soft value; and the SVGD surrogate −Σ_{s,j} stopgrad(φ_j)·a_j.
/// </summary>
public sealed class SoftQUpdateGradientTests
{
    private const int Obs = 3, Act = 2, Batch = 5;
    private static readonly SoftQSettings Settings = new()
    {
        Hidden = [6, 5], ValueParticles = 4, SvgdParticles = 5, RewardScale = 3f, Discount = 0.9f,
    };

    // Threads, and rows per particle block: the default (one block here), and 8, blocks of two states (K_v 4), the
    // last one partial.
    public static readonly TheoryData<int, int> ThreadsAndBlockRows = new()
    {
        { 1, UpdatePartition.BlockRows }, { 2, UpdatePartition.BlockRows }, { 1, 8 }, { 2, 8 },
    };

    [Theory]
    [MemberData(nameof(ThreadsAndBlockRows))]
    public void Q_loss_gradient_matches_finite_differences(int threads, int blockRows)
    {
        (SoftQNetworks nets, SoftQUpdate update, TransitionBatch batch) = Setup(threads, blockRows: blockRows);
        double[] theta = ReferenceMlp.ToDouble(nets.Q.Parameters);
        double[] targetTheta = ReferenceMlp.ToDouble(nets.TargetQ.Parameters);
        using (update) update.Update(batch);

        // Targets, held fixed: y = scale·r + (1 − terminal)·γ·(logsumexp Q̄(s', a_k) − log K_v + d·log 2).
        int kv = Settings.ValueParticles;
        double[] qNext = ReferenceMlp.Forward(nets.TargetQ, targetTheta, Doubles(batch.NextObservations),
            ReferenceMlp.ToDouble(update.ValueActions.AsSpan(0, Batch * kv * Act)), Batch, kv);
        double[] y = new double[Batch];
        for (int s = 0; s < Batch; s++)
        {
            double max = qNext.Skip(s * kv).Take(kv).Max();
            double value = max + Math.Log(qNext.Skip(s * kv).Take(kv).Sum(q => Math.Exp(q - max))) - Math.Log(kv) + Act * Math.Log(2);
            y[s] = Settings.RewardScale * batch.Rewards[s] + (1 - batch.Terminals[s]) * Settings.Discount * value;
        }
        double Loss(double[] parameters)
        {
            double[] q = ReferenceMlp.Forward(nets.Q, parameters, Doubles(batch.Observations), Doubles(batch.Actions), Batch, 1);
            return 0.5 * q.Select((v, s) => (v - y[s]) * (v - y[s])).Average();
        }
        double[] expected = theta.Select((_, i) => ReferenceMlp.CentralDifference(Loss, theta, i)).ToArray();
        ReferenceMlp.AssertClose(expected, update.LastQGradient, 1e-3, 1e-5, "dJ_Q/dθ");
    }

    [Theory]
    [MemberData(nameof(ThreadsAndBlockRows))]
    public void Policy_surrogate_gradient_matches_finite_differences(int threads, int blockRows)
    {
        (SoftQNetworks nets, SoftQUpdate update, TransitionBatch batch) = Setup(threads, blockRows: blockRows);
        double[] theta = ReferenceMlp.ToDouble(nets.Q.Parameters);
        double[] phiParams = ReferenceMlp.ToDouble(nets.Policy.Parameters);
        using (update) update.Update(batch);

        int kf = Settings.FixedParticles, ku = Settings.UpdatedParticles;
        double[] obs = Doubles(batch.Observations);
        double[] fixedNoise = ReferenceMlp.ToDouble(update.FixedNoise.AsSpan(0, Batch * kf * Act));
        double[] updatedNoise = ReferenceMlp.ToDouble(update.UpdatedNoise.AsSpan(0, Batch * ku * Act));
        double[] fixedActions = ReferenceMlp.Forward(nets.Policy, phiParams, obs, fixedNoise, Batch, kf);
        double[] updatedActions = ReferenceMlp.Forward(nets.Policy, phiParams, obs, updatedNoise, Batch, ku);

        // Score at the fixed particles: ∇_a [Q(s, a) + Σ log(1 − a² + 1e−6)], Q's part by finite differences.
        double LogDensity(double[] actions, int row)
        {
            double[] q = ReferenceMlp.Forward(nets.Q, theta, obs, actions, Batch, kf);
            double correction = 0;
            for (int d = 0; d < Act; d++) correction += Math.Log(1 - actions[row * Act + d] * actions[row * Act + d] + 1e-6);
            return q[row] + correction;
        }
        double[] scores = new double[fixedActions.Length];
        for (int i = 0; i < scores.Length; i++) scores[i] = ReferenceMlp.CentralDifference(a => LogDensity(a, i / Act), fixedActions, i);

        // SVGD direction per state with the reference's median heuristic.
        double[] phi = new double[updatedActions.Length];
        for (int s = 0; s < Batch; s++)
        {
            var squared = new List<double>();
            for (int i = 0; i < kf; i++)
                for (int j = 0; j < ku; j++)
                    squared.Add(Distance(fixedActions, s * kf + i, updatedActions, s * ku + j));
            double h = Math.Max(squared.OrderByDescending(v => v).ElementAt(squared.Count / 2) / Math.Log(kf), 1e-3);
            for (int j = 0; j < ku; j++)
                for (int d = 0; d < Act; d++)
                {
                    double sum = 0;
                    for (int i = 0; i < kf; i++)
                    {
                        int xi = (s * kf + i) * Act + d, yj = (s * ku + j) * Act + d;
                        double k = Math.Exp(-Distance(fixedActions, s * kf + i, updatedActions, s * ku + j) / h);
                        sum += k * scores[xi] - 2 * (fixedActions[xi] - updatedActions[yj]) / h * k;
                    }
                    phi[(s * ku + j) * Act + d] = sum / kf;
                }
        }

        double Surrogate(double[] parameters)
        {
            double[] a = ReferenceMlp.Forward(nets.Policy, parameters, obs, updatedNoise, Batch, ku);
            return -a.Select((v, i) => v * phi[i]).Sum();
        }
        double[] expected = phiParams.Select((_, i) => ReferenceMlp.CentralDifference(Surrogate, phiParams, i)).ToArray();
        ReferenceMlp.AssertClose(expected, update.LastPolicyGradient, 2e-3, 2e-5, "d(−Σφ·a)/dϕ");
    }

    internal static (SoftQNetworks, SoftQUpdate, TransitionBatch) Setup(int threads, IGemm? gemm = null, ulong seed = 17,
        int blockRows = UpdatePartition.BlockRows)
    {
        var rng = new Rng(seed);
        var nets = new SoftQNetworks(Obs, Act, Settings.Hidden, rng);
        // A target that differs from Q, and non-zero biases, so that every term is exercised.
        nets.TargetQ.InitializeXavier(rng);
        rng.FillUniform(nets.Q.Parameters.AsSpan(nets.Q.BiasOffset(0), 6), -0.2f, 0.2f);
        rng.FillUniform(nets.Policy.Parameters.AsSpan(nets.Policy.BiasOffset(1), 5), -0.2f, 0.2f);
        var batch = new TransitionBatch(Batch, Obs, Act) { Count = Batch };
        rng.FillUniform(batch.Observations, -1f, 1f);
        rng.FillUniform(batch.NextObservations, -1f, 1f);
        rng.FillUniform(batch.Actions, -0.9f, 0.9f);
        rng.FillUniform(batch.Rewards, -1f, 1f);
        batch.Terminals[1] = 1f;
        var update = new SoftQUpdate(nets, Settings, new ManagedGradients(nets, Settings, gemm ?? new ManagedGemm(), Batch, threads, blockRows),
            rng, Batch);
        return (nets, update, batch);
    }

    private static double Distance(double[] x, int i, double[] y, int j)
    {
        double sum = 0;
        for (int d = 0; d < Act; d++) sum += (x[i * Act + d] - y[j * Act + d]) * (x[i * Act + d] - y[j * Act + d]);
        return sum;
    }

    private static double[] Doubles(float[] values) => ReferenceMlp.ToDouble(values);
}
