using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Learner;

/// <summary>
/// What a backend plugin exports (the torch backend, loaded by <see cref="TorchPlugin"/>): a public class with a
/// parameterless constructor that builds the plugin's <see cref="IUpdateGradients"/> on a learner's networks.
/// </summary>
public interface IUpdateGradientsFactory
{
    /// <param name="threads">The update's threads (<c>--threads</c>).</param>
    IUpdateGradients Create(SoftQNetworks networks, SoftQSettings settings, int maxBatchSize, int threads);
}
