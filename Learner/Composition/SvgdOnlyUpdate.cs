using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Learner.Composition;

/// <summary>
/// Trains a sampling network for a fixed Q by amortized SVGD alone (the reference's <c>train_qf=False</c>): per
/// step, fresh ξ for each state's particles, the policy gradient of <see cref="SvgdPolicyGradient"/>, and an Adam
/// step unless something is not finite. Q is never changed. One thread: composition's networks are small.
/// </summary>
public sealed class SvgdOnlyUpdate
{
    private readonly Mlp _q, _policy;
    private readonly IGemm _gemm;
    private readonly Rng _rng;
    private readonly SvgdPolicyGradient _svgd;
    private readonly float[] _fixedNoise, _updatedNoise, _gradient;
    private readonly int _fixedLength, _updatedLength, _updatedParticles;

    public SvgdOnlyUpdate(Mlp q, Mlp policy, SoftQSettings settings, IGemm gemm, Rng rng, int maxBatchSize)
    {
        settings.Validate();
        if (q.Shape.ObsDim != policy.Shape.ObsDim || q.Shape.XDim != policy.Shape.OutputDim)
            throw new ArgumentException($"Q {q.Shape} does not take the observations and actions of the sampling network {policy.Shape}");
        (_q, _policy, _gemm, _rng) = (q, policy, gemm, rng);
        MaxBatchSize = maxBatchSize;
        _svgd = new SvgdPolicyGradient(q.Shape, policy.Shape, settings, maxBatchSize);
        _fixedLength = settings.FixedParticles * policy.Shape.OutputDim;
        _updatedParticles = settings.UpdatedParticles;
        _updatedLength = _updatedParticles * policy.Shape.OutputDim;
        _fixedNoise = new float[maxBatchSize * _fixedLength];
        _updatedNoise = new float[maxBatchSize * _updatedLength];
        _gradient = new float[policy.ParameterCount];
        Optimizer = new Adam(policy.ParameterCount, settings.PolicyLearningRate);
    }

    public int MaxBatchSize { get; }

    public Adam Optimizer { get; }

    public long Updates { get; private set; }

    /// <summary>Steps skipped because the gradient was not finite.</summary>
    public long SkippedUpdates { get; private set; }

    /// <summary>One step on <paramref name="count"/> states, [count × obs]; returns the mean of φ·a over the updated particles.</summary>
    public double Update(ReadOnlyMemory<float> observations, int count)
    {
        if (count < 1 || count > MaxBatchSize) throw new ArgumentException($"{count} states; this update takes 1 to {MaxBatchSize}");
        // Per state, its fixed particles' noise first, then its updated ones' (as the full update draws them).
        for (int s = 0; s < count; s++)
        {
            _rng.FillGaussian(_fixedNoise.AsSpan(s * _fixedLength, _fixedLength));
            _rng.FillGaussian(_updatedNoise.AsSpan(s * _updatedLength, _updatedLength));
        }
        Array.Clear(_gradient);
        double surrogate = _svgd.Accumulate(_gemm, _q, _policy, observations, _fixedNoise, _updatedNoise, count, _gradient);
        double mean = surrogate / (count * _updatedParticles);
        if (!double.IsFinite(mean) || !VectorOps.AllFinite(_gradient))
        {
            SkippedUpdates++;
            return mean;
        }
        Optimizer.Apply(_policy.Parameters, _gradient);
        Updates++;
        return mean;
    }
}
