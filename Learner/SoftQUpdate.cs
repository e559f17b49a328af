using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner;

/// <summary>
/// One soft Q-learning training iteration on a minibatch: the soft Bellman step on Q and the amortized
/// SVGD step on the sampling network, both with gradients taken at the pre-update parameters (as the
/// reference, which runs both in one session call), then the target network update.
/// The gradients come from an <see cref="IUpdateGradients"/> backend (ours, or TorchSharp's); the generator is stepped
/// up front on the calling thread (<see cref="UpdateRandomness"/>), so the draws do not depend on the backend or the
/// thread count, and results differ only by floating-point summation order. With our backend a step allocates nothing.
/// </summary>
public sealed class SoftQUpdate : IDisposable
{
    private readonly SoftQNetworks _nets;
    private readonly SoftQSettings _settings;
    private readonly Rng _rng;
    private readonly IUpdateGradients _gradients;
    private readonly UpdateRandomness _randomness;

    public SoftQUpdate(SoftQNetworks nets, SoftQSettings settings, IGemm gemm, Rng rng, int maxBatchSize, int threads = 1)
        : this(nets, settings, new ManagedGradients(nets, settings, gemm, maxBatchSize, threads), rng, maxBatchSize)
    {
    }

    /// <param name="gradients">The backend; this update owns it and disposes it.</param>
    public SoftQUpdate(SoftQNetworks nets, SoftQSettings settings, IUpdateGradients gradients, Rng rng, int maxBatchSize)
    {
        settings.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _nets = nets;
        _settings = settings;
        _rng = rng;
        _gradients = gradients;
        MaxBatchSize = maxBatchSize;
        _randomness = new UpdateRandomness(nets.ActDim, settings.ValueParticles, settings.FixedParticles,
            settings.UpdatedParticles, settings.DeterministicPolicy, maxBatchSize);
        QOptimizer = new Adam(nets.Q.ParameterCount, settings.QLearningRate);
        PolicyOptimizer = new Adam(nets.Policy.ParameterCount, settings.PolicyLearningRate);
    }

    /// <summary>The backend's name, for logs.</summary>
    public string Backend => _gradients.Name;

    public int MaxBatchSize { get; }

    public Adam QOptimizer { get; }

    public Adam PolicyOptimizer { get; }

    /// <summary>The state of the generator behind the uniform actions and the particles' noise, for checkpoints.</summary>
    public RngState RandomState
    {
        get => _rng.State;
        set => _rng.State = value;
    }

    /// <summary>Updates applied.</summary>
    public long Updates { get; set; }

    /// <summary>Updates skipped because a loss or gradient was not finite.</summary>
    public long SkippedUpdates { get; set; }

    // For gradient checks: the randomness and the summed gradients of the last update.
    internal float[] ValueActions => _randomness.ValueActions;
    internal float[] FixedNoise => _randomness.FixedNoise;

    public SoftQSettings Settings => _settings;
    internal float[] UpdatedNoise => _randomness.UpdatedNoise;
    internal float[] LastQGradient => _gradients.QGradient;
    internal float[] LastPolicyGradient => _gradients.PolicyGradient;

    public UpdateResult Update(TransitionBatch batch)
    {
        int n = batch.Count;
        if (n < 1 || n > MaxBatchSize)
            throw new ArgumentException($"batch holds {n} transitions; this update takes 1 to {MaxBatchSize}");
        if (batch.ObsDim != _nets.ObsDim || batch.ActDim != _nets.ActDim)
            throw new ArgumentException($"batch shape (obs {batch.ObsDim}, act {batch.ActDim}) differs from the networks' (obs {_nets.ObsDim}, act {_nets.ActDim})");

        _randomness.Draw(_rng, n);
        (double squaredError, double qSum, double qSquared, double surrogate) = _gradients.Compute(batch, _randomness);
        float[] qGrad = _gradients.QGradient, policyGrad = _gradients.PolicyGradient;
        float mse = (float)(squaredError / n);
        float qMean = (float)(qSum / n);
        float qStd = (float)Math.Sqrt(Math.Max(0, qSquared / n - (qSum / n) * (qSum / n)));
        float meanSurrogate = (float)(surrogate / (n * _settings.UpdatedParticles));

        bool finite = float.IsFinite(mse) && float.IsFinite(meanSurrogate)
            && VectorOps.AllFinite(qGrad) && VectorOps.AllFinite(policyGrad);
        if (!finite)
        {
            SkippedUpdates++;
            return new UpdateResult(true, 0.5f * mse, mse, qMean, qStd, meanSurrogate);
        }

        QOptimizer.Apply(_nets.Q.Parameters, qGrad);
        PolicyOptimizer.Apply(_nets.Policy.Parameters, policyGrad);
        Updates++;
        if (_settings.TargetTau > 0) _nets.TargetQ.PolyakUpdateFrom(_nets.Q, _settings.TargetTau);
        else if (Updates % _settings.TargetUpdateInterval == 0) _nets.TargetQ.CopyFrom(_nets.Q);
        return new UpdateResult(false, 0.5f * mse, mse, qMean, qStd, meanSurrogate);
    }

    public void Dispose() => _gradients.Dispose();
}
