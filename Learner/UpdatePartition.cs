using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner;

/// <summary>
/// One thread's share of a soft Q-learning update: a contiguous slice of the minibatch's states, its own
/// workspaces, and its own gradient buffers (summed by <see cref="SoftQUpdate"/> afterwards). Everything
/// is preallocated, so <see cref="Run"/> allocates nothing.
/// The particle passes (the target network's K_v actions, the SVGD particles) run over blocks of a few states
/// (about <see cref="BlockRows"/> rows), forward and backward per block, so each layer's activations stay in the
/// core's L2 cache between the products instead of streaming a whole partition's matrices through memory.
/// </summary>
internal sealed class UpdatePartition
{
    private readonly SoftQNetworks _nets;
    private readonly SoftQSettings _settings;
    private readonly IGemm _gemm;
    /// <summary>Rows a particle block aims at: 256 rows of a 256-wide layer are 256 KB, half a Zen 3 L2.</summary>
    public const int BlockRows = 256;

    private readonly int _actDim, _obsDim, _kv, _kFixed, _kUpdated, _blockStates;

    private readonly MlpWorkspace _targetValue;   // Q_target at (s', uniform actions)
    private readonly MlpWorkspace _qLoss;         // Q at (s, a)
    private readonly SvgdPolicyGradient _svgd;

    private readonly float[] _targets, _qGrad;

    public UpdatePartition(SoftQNetworks nets, SoftQSettings settings, IGemm gemm, int maxStates, int blockRows = BlockRows)
    {
        _nets = nets;
        _settings = settings;
        _gemm = gemm;
        _obsDim = nets.ObsDim;
        _actDim = nets.ActDim;
        _kv = settings.ValueParticles;
        _kFixed = settings.FixedParticles;
        _kUpdated = settings.UpdatedParticles;
        _blockStates = Math.Clamp(blockRows / Math.Max(_kv, Math.Max(_kFixed, _kUpdated)), 1, maxStates);
        _targetValue = new MlpWorkspace(nets.TargetQ.Shape, _blockStates * _kv, _blockStates);
        _qLoss = new MlpWorkspace(nets.Q.Shape, maxStates, maxStates);
        _svgd = new SvgdPolicyGradient(nets.Q.Shape, nets.Policy.Shape, settings, _blockStates);
        _targets = new float[maxStates];
        _qGrad = new float[maxStates];
        QGradient = new float[nets.Q.ParameterCount];
        PolicyGradient = new float[nets.Policy.ParameterCount];
    }

    /// <summary>This partition's dJ_Q/dθ (already divided by the full batch size).</summary>
    public float[] QGradient { get; }

    /// <summary>This partition's gradient of −Σ φ·a w.r.t. the sampling network's parameters.</summary>
    public float[] PolicyGradient { get; }

    // Sums over this partition's states, combined across partitions by the caller.
    public double SquaredErrorSum { get; private set; }
    public double QSum { get; private set; }
    public double QSquaredSum { get; private set; }
    public double SurrogateSum { get; private set; }

    /// <summary>
    /// Both gradients for states [first, first + count) of <paramref name="batch"/>, at the current parameters.
    /// Each block's draws are prepared here, just before the block reads them, on this partition's thread.
    /// </summary>
    public void Run(TransitionBatch batch, int first, int count, UpdateRandomness randomness)
    {
        float[] valueActions = randomness.ValueActions, fixedNoise = randomness.FixedNoise, updatedNoise = randomness.UpdatedNoise;
        Array.Clear(QGradient);
        Array.Clear(PolicyGradient);
        int a = _actDim, o = _obsDim;
        int batchSize = batch.Count;

        // Per block of states: the soft value target y = r·scale + (1 − terminal)·γ·V(s'), with V from the target
        // network, and the SVGD policy gradient (which reads Q but not y, so the Q loss can wait for every block).
        double surrogate = 0;
        for (int block = 0; block < count; block += _blockStates)
        {
            int states = Math.Min(_blockStates, count - block), firstState = first + block;
            randomness.Prepare(firstState, states);
            ReadOnlySpan<float> targetQ = _targetValue.Forward(_gemm, _nets.TargetQ, batch.NextObservations.AsMemory(firstState * o, states * o),
                valueActions.AsMemory(firstState * _kv * a, states * _kv * a), states, _kv);
            for (int s = 0; s < states; s++)
            {
                float value = SoftValue.Estimate(targetQ.Slice(s * _kv, _kv), a);
                int row = firstState + s;
                _targets[block + s] = _settings.RewardScale * batch.Rewards[row]
                    + (1f - batch.Terminals[row]) * _settings.Discount * value;
            }
            surrogate += _svgd.Accumulate(_gemm, _nets.Q, _nets.Policy, batch.Observations.AsMemory(firstState * o, states * o),
                fixedNoise.AsMemory(firstState * _kFixed * a, states * _kFixed * a),
                updatedNoise.AsMemory(firstState * _kUpdated * a, states * _kUpdated * a), states, PolicyGradient);
        }

        // Q loss J = ½·mean((Q(s, a) − y)²) over the whole batch: dJ/dQ = (Q − y) / B.
        ReadOnlySpan<float> q = _qLoss.Forward(_gemm, _nets.Q,
            batch.Observations.AsMemory(first * o, count * o), batch.Actions.AsMemory(first * a, count * a), count, 1);
        double squaredError = 0, qSum = 0, qSquared = 0;
        for (int s = 0; s < count; s++)
        {
            float error = q[s] - _targets[s];
            _qGrad[s] = error / batchSize;
            squaredError += (double)error * error;
            qSum += q[s];
            qSquared += (double)q[s] * q[s];
        }
        _qLoss.Backward(_gemm, _nets.Q, _qGrad.AsSpan(0, count), QGradient, default);

        (SquaredErrorSum, QSum, QSquaredSum, SurrogateSum) = (squaredError, qSum, qSquared, surrogate);
    }
}
