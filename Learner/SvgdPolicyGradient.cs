using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Learner;

/// <summary>
/// The amortized SVGD step's gradient for a slice of states, with every buffer preallocated: particles from the
/// sampling network, the score ∇_a [Q(s, a) + Σ log(1 − a² + 1e−6)] at the fixed ones, the SVGD direction φ, and
/// −φ backpropagated through the network at the updated ones. Both the soft Q-learning update and composition
/// (where Q is a frozen sum of other runs' Q functions) take their policy gradient from here.
/// </summary>
internal sealed class SvgdPolicyGradient
{
    private readonly int _actDim, _kFixed, _kUpdated;
    private readonly float _minBandwidth;
    private readonly MlpWorkspace _fixedPolicy;   // sampling network at the fixed particles (forward only)
    private readonly MlpWorkspace _updatedPolicy; // sampling network at the updated particles (forward and backward)
    private readonly MlpWorkspace _scoreQ;        // Q at the fixed particles, for ∇_a Q
    private readonly float[] _ones, _scores, _direction, _kernelScratch;

    public SvgdPolicyGradient(MlpShape qShape, MlpShape policyShape, SoftQSettings settings, int maxStates)
    {
        _actDim = policyShape.OutputDim;
        _kFixed = settings.FixedParticles;
        _kUpdated = settings.UpdatedParticles;
        _minBandwidth = settings.KernelMinBandwidth;
        _fixedPolicy = new MlpWorkspace(policyShape, maxStates * _kFixed, maxStates);
        _updatedPolicy = new MlpWorkspace(policyShape, maxStates * _kUpdated, maxStates);
        _scoreQ = new MlpWorkspace(qShape, maxStates * _kFixed, maxStates);
        _ones = new float[maxStates * _kFixed];
        Array.Fill(_ones, 1f);
        _scores = new float[maxStates * _kFixed * _actDim];
        _direction = new float[maxStates * _kUpdated * _actDim];
        _kernelScratch = new float[SvgdDirection.ScratchLength(_kFixed, _kUpdated, _actDim)];
    }

    /// <summary>
    /// Adds the gradient of −Σ stopgrad(φ)·a w.r.t. <paramref name="policy"/>'s parameters into <paramref name="policyGradient"/>
    /// for <paramref name="count"/> states; the particles' ξ are state-major. Returns Σ φ·a, the surrogate the policy ascends.
    /// </summary>
    public double Accumulate(IGemm gemm, Mlp q, Mlp policy, ReadOnlyMemory<float> obs, ReadOnlyMemory<float> fixedNoise,
        ReadOnlyMemory<float> updatedNoise, int count, Span<float> policyGradient)
    {
        int a = _actDim;
        // Particles from the sampling network; the fixed ones need no backward.
        _fixedPolicy.Forward(gemm, policy, obs, fixedNoise, count, _kFixed);
        ReadOnlySpan<float> updated = _updatedPolicy.Forward(gemm, policy, obs, updatedNoise, count, _kUpdated);

        // Score at the fixed particles: ∇_a [Q(s, a) + Σ log(1 − a² + 1e−6)], at the current (not target) Q.
        int fixedRows = count * _kFixed;
        Span<float> scores = _scores.AsSpan(0, fixedRows * a);
        _scoreQ.Forward(gemm, q, obs, _fixedPolicy.OutputMemory, count, _kFixed);
        _scoreQ.Backward(gemm, q, _ones.AsSpan(0, fixedRows), default, scores);
        ReadOnlySpan<float> fixedActions = _fixedPolicy.Output;
        SvgdDirection.AddSquashCorrectionGradient(fixedActions, scores);

        // SVGD direction per state; the policy ascends Σ φ·a, i.e. descends −Σ φ·a.
        Span<float> direction = _direction.AsSpan(0, count * _kUpdated * a);
        double surrogate = 0;
        for (int s = 0; s < count; s++)
        {
            Span<float> phi = direction.Slice(s * _kUpdated * a, _kUpdated * a);
            ReadOnlySpan<float> y = updated.Slice(s * _kUpdated * a, _kUpdated * a);
            SvgdDirection.Compute(fixedActions.Slice(s * _kFixed * a, _kFixed * a), scores.Slice(s * _kFixed * a, _kFixed * a),
                y, _kFixed, _kUpdated, a, _minBandwidth, phi, _kernelScratch);
            for (int i = 0; i < phi.Length; i++)
            {
                surrogate += (double)phi[i] * y[i];
                phi[i] = -phi[i];
            }
        }
        _updatedPolicy.Backward(gemm, policy, direction, policyGradient, default);
        return surrogate;
    }
}
