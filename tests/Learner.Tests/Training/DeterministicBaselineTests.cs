using SoftQDistributed.Learner;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Acting;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Tests.Training;

/// <summary>The exploration baseline: the sampler's noise collapsed to ξ = 0, Gaussian noise on the actions while acting.</summary>
public sealed class DeterministicBaselineTests
{
    [Fact]
    public void The_update_feeds_every_particle_zero_noise_so_they_are_one_action()
    {
        var settings = new SoftQSettings { Hidden = [8], ValueParticles = 4, SvgdParticles = 6, DeterministicPolicyNoise = 0.3f };
        var rng = new Rng(3);
        var nets = new SoftQNetworks(2, 2, settings.Hidden, rng);
        using var update = new SoftQUpdate(nets, settings, new ManagedGemm(), new Rng(4), 8);
        var batch = new TransitionBatch(8, 2, 2) { Count = 8 };
        rng.FillUniform(batch.Observations, -1f, 1f);
        rng.FillUniform(batch.NextObservations, -1f, 1f);
        rng.FillUniform(batch.Actions, -1f, 1f);
        rng.FillUniform(batch.Rewards, -1f, 1f);

        UpdateResult result = update.Update(batch);

        Assert.False(result.Skipped);
        Assert.All(update.FixedNoise, xi => Assert.Equal(0f, xi));
        Assert.All(update.UpdatedNoise, xi => Assert.Equal(0f, xi));
    }

    [Fact]
    public void Acting_adds_gaussian_noise_of_the_given_deviation_to_the_deterministic_action()
    {
        const float sigma = 0.2f;
        var nets = new SoftQNetworks(2, 2, [16], new Rng(5));
        // A policy that outputs 0 everywhere, so clipping at ±1 (5σ) leaves the noise unbiased.
        nets.Policy.Parameters.AsSpan().Clear();
        var gemm = new ManagedGemm();
        var actor = new ActorWorker("tworoutes", 4, nets.Policy.Shape, seed: 6, actionNoise: sigma);
        actor.SyncPolicy(nets.Policy);
        var workspace = new MlpWorkspace(nets.Policy.Shape, 4);
        var deviations = new List<double>();
        for (int step = 0; step < 300; step++)
        {
            actor.Step(gemm);
            ReadOnlySpan<float> mean = workspace.Forward(gemm, nets.Policy, actor.Transitions.Observations, new float[8], 4, 1);
            for (int i = 0; i < 8; i++)
            {
                float acted = actor.Transitions.Actions[i];
                Assert.InRange(acted, -1f, 1f);
                Assert.InRange(mean[i], -1e-6f, 1e-6f);
                deviations.Add(acted - mean[i]);
            }
        }
        double average = deviations.Average();
        double std = Math.Sqrt(deviations.Select(d => (d - average) * (d - average)).Average());
        Assert.InRange(average, -0.02, 0.02); // 2400 draws: the mean's standard error is 0.004
        Assert.InRange(std, 0.9 * sigma, 1.1 * sigma);
    }

    [Fact]
    public void Evaluated_from_one_fixed_start_the_deterministic_policy_takes_one_route_every_episode()
    {
        var nets = new SoftQNetworks(2, 2, [16], new Rng(8));
        var train = new TrainingSettings { Env = "tworoutes", EvalEnv = "tworoutes:start_sigma=0", EvalEpisodes = 20, Seed = 3 };

        EvaluationResult deterministic = Evaluator.Final(train, nets.Policy, new ManagedGemm(), deterministic: true);
        EvaluationResult stochastic = Evaluator.Final(train, nets.Policy, new ManagedGemm());

        Assert.All(deterministic.Paths, path => Assert.Equal([TwoRoutes.StartX, 0f], path[..2]));
        Assert.All(deterministic.Paths, path => Assert.Equal(deterministic.Paths[0], path)); // the same episode, 20 times
        Assert.All(stochastic.Paths, path => Assert.Equal([TwoRoutes.StartX, 0f], path[..2]));
        Assert.NotEqual(stochastic.Paths[0], stochastic.Paths[1]); // the sampler's noise still varies
    }

    [Fact]
    public void Serve_refuses_the_baseline_which_actor_nodes_cannot_act()
    {
        (int code, _, string error) = LearnerEntryPoint.Run("serve", "--env", "multigoal", "--seeds", "127.0.0.1:4053", "--deterministic-policy-noise", "0.3", "--out", Path.Combine(Path.GetTempPath(), "softq-no-serve"));
        Assert.Equal(2, code);
        Assert.Contains("embedded train only", error);
    }
}
