using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Learner;

/// <summary>
/// The random draws of one update: K_v uniform actions shared by every next state (as the reference), tiled once per
/// state, and fresh ξ for each state's fixed and updated particles. <see cref="Draw"/> steps the generator on the
/// calling thread; <see cref="Prepare"/> writes the draws of a range of states and does the costly part (turning the
/// generator's words into normals), so a backend calls it for its own states from its own threads. Every value has
/// the same bits whichever way the states are split, so the thread count changes no draw.
/// </summary>
public sealed class UpdateRandomness
{
    private readonly int _actDim, _valueParticles, _fixedLength, _updatedLength, _maxStates;
    private readonly bool _deterministicPolicy;
    private readonly GaussianSequence _normals = new();
    private int _states;

    public UpdateRandomness(int actDim, int valueParticles, int fixedParticles, int updatedParticles, bool deterministicPolicy, int maxStates)
    {
        (_actDim, _valueParticles, _deterministicPolicy, _maxStates) = (actDim, valueParticles, deterministicPolicy, maxStates);
        _fixedLength = fixedParticles * actDim;
        _updatedLength = updatedParticles * actDim;
        ValueActions = new float[maxStates * valueParticles * actDim];
        FixedNoise = new float[maxStates * _fixedLength];
        UpdatedNoise = new float[maxStates * _updatedLength];
    }

    /// <summary>K_v uniform actions in [−1, 1) per state, state-major; the same K_v for every state.</summary>
    public float[] ValueActions { get; }

    /// <summary>ξ of each state's fixed particles, state-major.</summary>
    public float[] FixedNoise { get; }

    /// <summary>ξ of each state's updated particles, state-major.</summary>
    public float[] UpdatedNoise { get; }

    /// <summary>Steps <paramref name="rng"/> for a batch of <paramref name="states"/>: the K_v actions, then per state its fixed particles' normals and its updated ones'.</summary>
    public void Draw(Rng rng, int states)
    {
        if (states < 0 || states > _maxStates) throw new ArgumentOutOfRangeException(nameof(states), $"{states} states; these buffers hold 0 to {_maxStates}");
        _states = states;
        rng.FillUniform(ValueActions.AsSpan(0, _valueParticles * _actDim), -1f, 1f);
        // The baseline's collapsed sampler draws no noise: every particle is the one deterministic action.
        _normals.Draw(rng, _deterministicPolicy ? 0 : states * (_fixedLength + _updatedLength));
    }

    /// <summary>Writes the draws of states [<paramref name="first"/>, first + count). Disjoint ranges may run in parallel.</summary>
    public void Prepare(int first, int count)
    {
        if (first < 0 || count < 0 || first + count > _states)
            throw new ArgumentOutOfRangeException(nameof(first), $"states {first}..{first + count} lie outside the {_states} drawn");
        int kvLength = _valueParticles * _actDim;
        for (int s = Math.Max(first, 1); s < first + count; s++)
            ValueActions.AsSpan(0, kvLength).CopyTo(ValueActions.AsSpan(s * kvLength, kvLength));
        Span<float> fixedNoise = FixedNoise.AsSpan(first * _fixedLength, count * _fixedLength);
        Span<float> updatedNoise = UpdatedNoise.AsSpan(first * _updatedLength, count * _updatedLength);
        if (_deterministicPolicy)
        {
            fixedNoise.Clear();
            updatedNoise.Clear();
            return;
        }
        int stride = _fixedLength + _updatedLength;
        for (int s = 0; s < count; s++)
        {
            int sequence = (first + s) * stride;
            _normals.Fill(sequence, fixedNoise.Slice(s * _fixedLength, _fixedLength));
            _normals.Fill(sequence + _fixedLength, updatedNoise.Slice(s * _updatedLength, _updatedLength));
        }
    }
}
