using SoftQDistributed.Learner;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Tests;

public sealed class SoftQUpdateTests
{
    [Fact]
    public void Identical_seeds_give_identical_parameters_after_many_updates()
    {
        float[][] first = Train(seed: 3, threads: 2, updates: 30, new ManagedGemm());
        float[][] second = Train(seed: 3, threads: 2, updates: 30, new ManagedGemm());
        for (int net = 0; net < first.Length; net++) Assert.Equal(first[net], second[net]);
        float[][] otherSeed = Train(seed: 4, threads: 2, updates: 30, new ManagedGemm());
        Assert.NotEqual(first[0], otherSeed[0]);
    }

    [Fact]
    public void Thread_count_changes_only_summation_order()
    {
        float[][] one = Train(seed: 5, threads: 1, updates: 10, new ManagedGemm());
        float[][] two = Train(seed: 5, threads: 2, updates: 10, new ManagedGemm());
        for (int net = 0; net < one.Length; net++)
            for (int i = 0; i < one[net].Length; i++)
                Assert.Equal(one[net][i], two[net][i], 1e-4f);
    }

    [OpenBlasFact]
    public void OpenBlas_and_managed_backends_train_alike()
    {
        float[][] managed = Train(seed: 6, threads: 1, updates: 10, new ManagedGemm());
        float[][] blas = Train(seed: 6, threads: 1, updates: 10, GemmFactory.Create(GemmBackend.OpenBlas, 1));
        for (int net = 0; net < managed.Length; net++)
            for (int i = 0; i < managed[net].Length; i++)
                Assert.Equal(managed[net][i], blas[net][i], 1e-4f);
    }

    [Fact]
    public void A_non_finite_loss_skips_the_update_and_changes_nothing()
    {
        (SoftQNetworks nets, SoftQUpdate update, TransitionBatch batch) = SoftQUpdateGradientTests.Setup(threads: 2);
        using (update)
        {
            float[] q = (float[])nets.Q.Parameters.Clone(), policy = (float[])nets.Policy.Parameters.Clone();
            batch.Rewards[2] = float.NaN;
            UpdateResult result = update.Update(batch);
            Assert.True(result.Skipped);
            Assert.Equal(1, update.SkippedUpdates);
            Assert.Equal(0, update.Updates);
            Assert.Equal(0, update.QOptimizer.Step);
            Assert.Equal(q, nets.Q.Parameters);
            Assert.Equal(policy, nets.Policy.Parameters);

            batch.Rewards[2] = 0.5f;
            Assert.False(update.Update(batch).Skipped);
            Assert.Equal(1, update.Updates);
        }
    }

    [Fact]
    public void Target_network_is_copied_every_interval()
    {
        var settings = new SoftQSettings { Hidden = [8], TargetUpdateInterval = 3, SvgdParticles = 4, ValueParticles = 4 };
        var rng = new Rng(1);
        var nets = new SoftQNetworks(2, 2, settings.Hidden, rng);
        using var update = new SoftQUpdate(nets, settings, new ManagedGemm(), rng, 8);
        TransitionBatch batch = RandomBatch(rng, 8, 2, 2);
        float[] initial = (float[])nets.TargetQ.Parameters.Clone();
        update.Update(batch);
        update.Update(batch);
        Assert.Equal(initial, nets.TargetQ.Parameters);
        update.Update(batch);
        Assert.Equal(nets.Q.Parameters, nets.TargetQ.Parameters);
    }

    [Fact]
    public void A_batch_of_the_wrong_shape_is_refused()
    {
        var settings = new SoftQSettings { Hidden = [8], SvgdParticles = 4, ValueParticles = 4 };
        var rng = new Rng(1);
        using var update = new SoftQUpdate(new SoftQNetworks(2, 2, settings.Hidden, rng), settings, new ManagedGemm(), rng, 8);
        var error = Assert.Throws<ArgumentException>(() => update.Update(RandomBatch(rng, 8, 3, 2)));
        Assert.Contains("differs from the networks'", error.Message);
        Assert.Throws<ArgumentException>(() => update.Update(RandomBatch(rng, 9, 2, 2)));
    }

    [Fact]
    public void A_steady_state_update_allocates_nothing()
    {
        var settings = new SoftQSettings { Hidden = [16, 16], SvgdParticles = 8, ValueParticles = 8 };
        var rng = new Rng(2);
        using var update = new SoftQUpdate(new SoftQNetworks(3, 2, settings.Hidden, rng), settings, new ManagedGemm(), rng, 16, threads: 1);
        TransitionBatch batch = RandomBatch(rng, 16, 3, 2);
        for (int i = 0; i < 3; i++) update.Update(batch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) update.Update(batch);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Settings_out_of_range_are_named()
    {
        var error = Assert.Throws<SettingsException>(() => new SoftQSettings { SvgdParticles = 2 }.Validate());
        Assert.Contains("SVGD particles", error.Message);
    }

    private static float[][] Train(ulong seed, int threads, int updates, IGemm gemm)
    {
        var settings = new SoftQSettings { Hidden = [16, 16], SvgdParticles = 8, ValueParticles = 8, TargetUpdateInterval = 4 };
        var rng = new Rng(seed);
        var nets = new SoftQNetworks(3, 2, settings.Hidden, rng);
        using var update = new SoftQUpdate(nets, settings, gemm, rng, 16, threads);
        var batchRng = new Rng(seed + 100);
        for (int i = 0; i < updates; i++)
            Assert.False(update.Update(RandomBatch(batchRng, 16, 3, 2)).Skipped);
        return [nets.Q.Parameters, nets.Policy.Parameters, nets.TargetQ.Parameters];
    }

    private static TransitionBatch RandomBatch(Rng rng, int size, int obs, int act)
    {
        var batch = new TransitionBatch(size, obs, act) { Count = size };
        rng.FillUniform(batch.Observations, -1f, 1f);
        rng.FillUniform(batch.NextObservations, -1f, 1f);
        rng.FillUniform(batch.Actions, -1f, 1f);
        rng.FillUniform(batch.Rewards, -1f, 1f);
        return batch;
    }
}
