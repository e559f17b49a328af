using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Learner;

/// <summary>
/// The three networks of soft Q-learning: the soft Q function Q(s, a), its target copy, and the
/// sampling network a = tanh(f(s, ξ)) with ξ ~ N(0, I) of the action's dimension.
/// </summary>
public sealed class SoftQNetworks
{
    public SoftQNetworks(int obsDim, int actDim, IReadOnlyList<int> hidden, Rng rng)
    {
        ObsDim = obsDim;
        ActDim = actDim;
        Q = new Mlp(QShape(obsDim, actDim, hidden));
        TargetQ = new Mlp(Q.Shape);
        Policy = new Mlp(PolicyShape(obsDim, actDim, hidden));
        Q.InitializeXavier(rng);
        Policy.InitializeXavier(rng);
        TargetQ.CopyFrom(Q);
    }

    /// <summary>
    /// Given networks, the target a copy of <paramref name="q"/>: composition's frozen sum of other runs' Q functions
    /// (wider than the sampling network) with its new sampling network.
    /// </summary>
    public SoftQNetworks(Mlp q, Mlp policy)
    {
        ObsDim = policy.Shape.ObsDim;
        ActDim = policy.Shape.OutputDim;
        Q = q;
        TargetQ = new Mlp(q.Shape);
        TargetQ.CopyFrom(q);
        Policy = policy;
    }

    /// <summary>Q(s, a): observation and action in, one value out.</summary>
    public static MlpShape QShape(int obsDim, int actDim, IReadOnlyList<int> hidden) => new(obsDim, actDim, hidden, 1, TanhOutput: false);

    /// <summary>The sampling network: observation and noise ξ in, a squashed action out.</summary>
    public static MlpShape PolicyShape(int obsDim, int actDim, IReadOnlyList<int> hidden) => new(obsDim, actDim, hidden, actDim, TanhOutput: true);

    public int ObsDim { get; }

    public int ActDim { get; }

    public Mlp Q { get; }

    public Mlp TargetQ { get; }

    public Mlp Policy { get; }
}
