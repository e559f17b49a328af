using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Replay;
using TorchSharp;
using static TorchSharp.torch;

namespace SoftQDistributed.Learner.Torch;

/// <summary>
/// The update's two gradients on TorchSharp (libtorch autograd), the same mathematics as our backend
/// (<see cref="ManagedGradients"/>), for the same randomness. Parameters come in from, and gradients go out to,
/// <see cref="SoftQNetworks"/>' flat arrays once per step, so Adam, the target update, checkpoints and broadcasts stay
/// those of <see cref="SoftQUpdate"/>. Every tensor a step makes lives in one dispose scope, so native memory is flat.
/// </summary>
public sealed class TorchGradients : IUpdateGradients
{
    private readonly SoftQNetworks _nets;
    private readonly SoftQSettings _settings;
    private readonly TorchMlp _q, _targetQ, _policy;
    private readonly Tensor _obs, _nextObs, _actions, _rewards, _terminals, _valueActions, _fixedNoise, _updatedNoise;

    /// <param name="threads">libtorch's intra-op threads (a process-wide setting).</param>
    public TorchGradients(SoftQNetworks nets, SoftQSettings settings, int maxBatchSize, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(threads);
        _nets = nets;
        _settings = settings;
        _q = new TorchMlp(nets.Q);
        _targetQ = new TorchMlp(nets.TargetQ);
        _policy = new TorchMlp(nets.Policy);
        int o = nets.ObsDim, a = nets.ActDim, b = maxBatchSize;
        // Inputs are copied into these each step (no tensor per step for them); a step narrows them to the batch.
        _obs = zeros(b, o);
        _nextObs = zeros(b, o);
        _actions = zeros(b, a);
        _rewards = zeros(b);
        _terminals = zeros(b);
        _valueActions = zeros(b * settings.ValueParticles, a);
        _fixedNoise = zeros(b * settings.FixedParticles, a);
        _updatedNoise = zeros(b * settings.UpdatedParticles, a);
        QGradient = new float[nets.Q.ParameterCount];
        PolicyGradient = new float[nets.Policy.ParameterCount];
        Name = $"torch (libtorch {torch.__version__}, {threads} thread(s))";
    }

    public string Name { get; }

    public float[] QGradient { get; }

    public float[] PolicyGradient { get; }

    public GradientSums Compute(TransitionBatch batch, UpdateRandomness randomness)
    {
        randomness.Prepare(0, batch.Count);
        using DisposeScope scope = NewDisposeScope();
        int n = batch.Count, o = _nets.ObsDim, a = _nets.ActDim;
        int kv = _settings.ValueParticles, kf = _settings.FixedParticles, ku = _settings.UpdatedParticles;
        _q.Load(_nets.Q.Parameters);
        _targetQ.Load(_nets.TargetQ.Parameters);
        _policy.Load(_nets.Policy.Parameters);
        Tensor obs = Input(_obs, batch.Observations, n * o, n);
        Tensor nextObs = Input(_nextObs, batch.NextObservations, n * o, n);
        Tensor actions = Input(_actions, batch.Actions, n * a, n);
        Tensor rewards = Input(_rewards, batch.Rewards, n, n);
        Tensor terminals = Input(_terminals, batch.Terminals, n, n);
        Tensor uniform = Input(_valueActions, randomness.ValueActions, n * kv * a, n * kv);
        Tensor xiFixed = Input(_fixedNoise, randomness.FixedNoise, n * kf * a, n * kf);
        Tensor xiUpdated = Input(_updatedNoise, randomness.UpdatedNoise, n * ku * a, n * ku);

        // Soft value target, gradient stopped: y = scale·r + (1 − terminal)·γ·(logsumexp_k Q̄(s', a_k) − log K_v + d·log 2).
        Tensor y;
        using (no_grad())
        {
            Tensor qNext = _targetQ.Forward(nextObs, uniform, kv).view(n, kv);
            Tensor value = qNext.logsumexp(1) - Math.Log(kv) + a * Math.Log(2.0);
            y = _settings.RewardScale * rewards + (1f - terminals) * _settings.Discount * value;
        }

        // Q loss J = ½·mean((Q(s, a) − y)²).
        Tensor q = _q.Forward(obs, actions, 1).view(n);
        Tensor error = q - y;
        Tensor qLoss = 0.5 * error.square().mean();

        // Fixed particles (no gradient to the policy) and their score ∇_a [Q(s, a) + Σ log(1 − a² + 1e−6)] at the current Q.
        Tensor fixedActions;
        using (no_grad()) fixedActions = _policy.Forward(obs, xiFixed, kf);
        Tensor fixedLeaf = fixedActions.detach().requires_grad_(true);
        Tensor logDensity = _q.Forward(obs, fixedLeaf, kf).sum() + (1f - fixedLeaf.square() + 1e-6f).log().sum();
        Tensor scores = autograd.grad([logDensity], [fixedLeaf])[0].view(n, kf, 1, a);

        // Updated particles, and the SVGD direction per state with the median-heuristic RBF kernel (all gradient-stopped).
        Tensor updatedActions = _policy.Forward(obs, xiUpdated, ku);
        Tensor phi;
        using (no_grad())
        {
            Tensor x = fixedActions.view(n, kf, 1, a), yParticles = updatedActions.detach().view(n, 1, ku, a);
            Tensor diff = x - yParticles;                                  // [n, kf, ku, a]
            Tensor distances = diff.square().sum(-1);                      // [n, kf, ku]
            int pairs = kf * ku;
            // The reference's median: the (pairs/2 + 1)-th largest squared distance, the lower median for even counts.
            Tensor median = distances.view(n, pairs).sort(1).Values.select(1, pairs - (pairs / 2 + 1));
            Tensor h = (median / MathF.Log(kf)).clamp_min(_settings.KernelMinBandwidth).view(n, 1, 1);
            Tensor kernel = (-distances / h).exp().unsqueeze(-1);         // [n, kf, ku, 1]
            phi = (kernel * scores - 2f * diff / h.unsqueeze(-1) * kernel).mean([1L]); // [n, ku, a]
        }
        Tensor updated = updatedActions.view(n, ku, a);
        Tensor policyLoss = -(phi * updated).sum();

        // Both gradients at these (pre-update) parameters.
        qLoss.backward();
        policyLoss.backward();
        _q.TakeGradient(QGradient);
        _policy.TakeGradient(PolicyGradient);
        using (no_grad())
        {
            return new GradientSums(
                error.square().sum().ToDouble(), q.sum().ToDouble(), q.square().sum().ToDouble(), -policyLoss.ToDouble());
        }
    }

    /// <summary>The first <paramref name="rows"/> of a preallocated input, filled from <paramref name="source"/>.</summary>
    private static Tensor Input(Tensor buffer, float[] source, int length, long rows)
    {
        Tensor view = buffer.narrow(0, 0, rows);
        view.data<float>().CopyFrom(source.AsSpan(0, length));
        return view;
    }

    public void Dispose()
    {
        foreach (IDisposable d in new IDisposable[] { _q, _targetQ, _policy, _obs, _nextObs, _actions, _rewards, _terminals, _valueActions, _fixedNoise, _updatedNoise })
            d.Dispose();
    }
}
