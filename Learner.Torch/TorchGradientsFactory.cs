using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Learner.Torch;

/// <summary>The plugin's entry point: what <c>train --backend torch</c> (and <c>serve</c>) find in this assembly (<see cref="TorchPlugin"/>).</summary>
public sealed class TorchGradientsFactory : IUpdateGradientsFactory
{
    public IUpdateGradients Create(SoftQNetworks networks, SoftQSettings settings, int maxBatchSize, int threads) =>
        new TorchGradients(networks, settings, maxBatchSize, threads);
}
