using SoftQDistributed.Learner;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Torch;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Torch.Tests;

/// <summary>
/// Two updates from one start: identical networks (same seed), identical generators, so both backends see the same
/// parameters, batch and random draws at every step.
/// </summary>
internal sealed class BackendPair : IDisposable
{
    public const int Obs = 5, Act = 3, Batch = 32;

    public static readonly SoftQSettings Settings = new()
    {
        Hidden = [64, 64], ValueParticles = 16, SvgdParticles = 16, RewardScale = 10f,
    };

    public BackendPair(int threads = 1)
    {
        ManagedNets = new SoftQNetworks(Obs, Act, Settings.Hidden, new Rng(7));
        TorchNets = new SoftQNetworks(Obs, Act, Settings.Hidden, new Rng(7));
        Managed = new SoftQUpdate(ManagedNets, Settings, new ManagedGemm(1), new Rng(8), Batch, threads);
        Torch = new SoftQUpdate(TorchNets, Settings, new TorchGradients(TorchNets, Settings, Batch, threads), new Rng(8), Batch);
    }

    public SoftQNetworks ManagedNets { get; }
    public SoftQNetworks TorchNets { get; }
    public SoftQUpdate Managed { get; }
    public SoftQUpdate Torch { get; }

    /// <summary>A random minibatch with some terminals, drawn from its own generator.</summary>
    public static TransitionBatch RandomBatch(Rng rng, int size = Batch)
    {
        var batch = new TransitionBatch(size, Obs, Act) { Count = size };
        rng.FillGaussian(batch.Observations);
        rng.FillGaussian(batch.NextObservations);
        rng.FillUniform(batch.Actions, -1f, 1f);
        rng.FillGaussian(batch.Rewards);
        for (int i = 0; i < size; i++) batch.Terminals[i] = rng.NextFloat() < 0.1f ? 1f : 0f;
        return batch;
    }

    /// <summary>‖a − b‖ / ‖b‖ in float64: a whole vector's relative error, which per-component ratios of near-zero entries are not.</summary>
    public static double RelativeError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < b.Length; i++)
        {
            diff += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
            norm += (double)b[i] * b[i];
        }
        return Math.Sqrt(diff / norm);
    }

    public void Dispose()
    {
        Managed.Dispose();
        Torch.Dispose();
    }
}
