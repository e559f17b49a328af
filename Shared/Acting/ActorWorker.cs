using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Shared.Acting;

/// <summary>
/// One actor: E environments stepped in lockstep, its own copy of the sampling network, and one batched
/// forward pass per step with fresh noise per environment (or, for the deterministic baseline, no noise into the
/// network and Gaussian noise on its actions). Each step's transitions land in
/// <see cref="Transitions"/>; finished episodes are handed over by <see cref="TakeFinished"/>.
/// </summary>
public sealed class ActorWorker
{
    private readonly VectorEnvironment _envs;
    private readonly Mlp _policy;
    private readonly MlpWorkspace _workspace;
    private readonly Rng _noiseRng;
    private readonly float[] _observations, _noise, _noisyActions;
    private readonly float _actionNoise;
    private readonly List<(float Return, int Length)> _finished = [];

    /// <param name="actionNoise">0: the sampler's own noise. Positive: ξ = 0 and actions plus N(0, actionNoise²), clipped.</param>
    public ActorWorker(string env, int envCount, MlpShape policyShape, ulong seed, float actionNoise = 0)
    {
        _actionNoise = actionNoise;
        _envs = EnvironmentRegistry.Default.MakeVector(env, envCount);
        _policy = new Mlp(policyShape);
        _workspace = new MlpWorkspace(policyShape, envCount);
        _noiseRng = new Rng(seed ^ 0xA5A5_0000_0000_0001UL);
        _observations = new float[envCount * _envs.ObservationDim];
        _noise = new float[envCount * _envs.ActionDim];
        _noisyActions = new float[actionNoise > 0 ? _noise.Length : 0];
        Transitions = new TransitionBatch(envCount, _envs.ObservationDim, _envs.ActionDim) { Count = envCount };
        _envs.Reset(seed, _observations);
    }

    /// <summary>The last step's transitions, one per environment.</summary>
    public TransitionBatch Transitions { get; }

    public MlpShape PolicyShape => _policy.Shape;

    public void SyncPolicy(Mlp learnerPolicy) => _policy.CopyFrom(learnerPolicy);

    /// <summary>Takes a flat parameter vector (as broadcast by the learner) for the sampling network.</summary>
    public void SyncPolicy(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != _policy.ParameterCount)
            throw new ArgumentException($"{parameters.Length} parameters for a sampling network {_policy.Shape} that has {_policy.ParameterCount}", nameof(parameters));
        parameters.CopyTo(_policy.Parameters);
    }

    /// <summary>Moves the episodes that finished since the last call (return, length) into <paramref name="into"/>.</summary>
    public void TakeFinished(List<(float Return, int Length)> into)
    {
        into.AddRange(_finished);
        _finished.Clear();
    }

    /// <summary>Environments, observations to act on, noise generator and policy copy, under <paramref name="prefix"/>.</summary>
    public void WriteState(SafetensorsWriter writer, string prefix)
    {
        long[] envState = new long[_envs.StateLength];
        _envs.SaveState(envState);
        writer.Add(prefix + "envs", envState);
        writer.Add(prefix + "observations", _observations);
        writer.Add(prefix + "rng", RngWords.From(_noiseRng.State));
        writer.Add(prefix + "policy", _policy.Parameters);
    }

    public void ReadState(SafetensorsFile file, string prefix)
    {
        _envs.RestoreState(file.ReadInt64(prefix + "envs"));
        file.ReadFloat32(prefix + "observations", _observations);
        _noiseRng.State = RngWords.Read(file, prefix + "rng");
        file.ReadFloat32(prefix + "policy", _policy.Parameters);
    }

    public void Step(IGemm gemm)
    {
        int e = _envs.Count;
        ReadOnlySpan<float> actions;
        if (_actionNoise > 0)
        {
            _workspace.Forward(gemm, _policy, _observations, _noise, e, 1).CopyTo(_noisyActions); // _noise stays 0
            for (int i = 0; i < _noisyActions.Length; i++)
                _noisyActions[i] = Math.Clamp(_noisyActions[i] + _actionNoise * (float)_noiseRng.NextGaussian(), -1f, 1f);
            actions = _noisyActions;
        }
        else
        {
            _noiseRng.FillGaussian(_noise);
            actions = _workspace.Forward(gemm, _policy, _observations, _noise, e, 1);
        }
        _observations.CopyTo(Transitions.Observations, 0);
        actions.CopyTo(Transitions.Actions);
        _envs.Step(actions, _observations);
        _envs.NextObservations.CopyTo(Transitions.NextObservations);
        _envs.Rewards.CopyTo(Transitions.Rewards);
        for (int i = 0; i < e; i++)
        {
            // Only a true terminal stops bootstrapping; a time-limit truncation does not.
            Transitions.Terminals[i] = _envs.Terminated[i] ? 1f : 0f;
            if (_envs.Finished(i)) _finished.Add((_envs.EpisodeReturns[i], _envs.EpisodeLengths[i]));
        }
    }
}
