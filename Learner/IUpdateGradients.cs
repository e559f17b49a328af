using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner;

/// <summary>
/// The backend seam of <see cref="SoftQUpdate"/>: both gradients of one training iteration at the networks' current
/// parameters, for randomness the caller drew. The caller keeps everything else (drawing the randomness, the
/// finiteness check, both Adam steps, the target update, the counters), so every backend shares one parameter
/// layout, one optimizer state and one checkpoint format, and a run can resume on another backend.
/// </summary>
public interface IUpdateGradients : IDisposable
{
    /// <summary>For logs and benchmark output.</summary>
    string Name { get; }

    /// <summary>dJ_Q/dθ of the last <see cref="Compute"/>, in <see cref="Shared.Numerics.Networks.Mlp"/>'s flat layout.</summary>
    float[] QGradient { get; }

    /// <summary>The gradient of −Σ stopgrad(φ)·a w.r.t. the sampling network's parameters, in the same layout.</summary>
    float[] PolicyGradient { get; }

    /// <param name="randomness">The update's draws, made for the batch's states: a backend calls
    /// <see cref="UpdateRandomness.Prepare"/> for every state before it reads that state's draws.</param>
    GradientSums Compute(TransitionBatch batch, UpdateRandomness randomness);
}

/// <summary>Sums over the batch that the update turns into its logged figures.</summary>
public readonly record struct GradientSums(double SquaredError, double QSum, double QSquaredSum, double SurrogateSum);
