using System.ComponentModel;

namespace SoftQDistributed.Learner.Settings;

/// <summary>
/// The soft Q-learning update's hyperparameters. Defaults are the reference implementation's MuJoCo settings
/// (haarnoja/softqlearning); per-environment defaults are layered on top by the trainer.
/// </summary>
public sealed record SoftQSettings
{
    [Description("1/alpha: the reference fixes the temperature at 1 and scales rewards instead.")]
    public float RewardScale { get; init; } = 1f;

    [Description("Discount factor gamma.")]
    public float Discount { get; init; } = 0.99f;

    [Description("K_v: uniform actions per next state for the soft value's importance-sampled estimate (shared across the batch).")]
    public int ValueParticles { get; init; } = 16;

    [Description("K: particles per state for the SVGD step; the first K − ⌊K/2⌋ are fixed, the rest updated.")]
    public int SvgdParticles { get; init; } = 16;

    [Description("Adam learning rate of the soft Q-network.")]
    public float QLearningRate { get; init; } = 3e-4f;

    [Description("Adam learning rate of the sampling network (amortized SVGD).")]
    public float PolicyLearningRate { get; init; } = 3e-4f;

    [Description("Hard copy of Q into its target every this many updates (the reference: 1000 env steps at one update per step).")]
    public int TargetUpdateInterval { get; init; } = 1000;

    [Description("When positive, Polyak-average the target every update with this tau instead of hard copies.")]
    public float TargetTau { get; init; }

    [Description("Hidden layer widths of both networks.")]
    public IReadOnlyList<int> Hidden { get; init; } = [128, 128];

    [Description("Floor of the RBF kernel's bandwidth (the reference's h_min).")]
    public float KernelMinBandwidth { get; init; } = 1e-3f;

    /// <summary>Number of fixed SVGD particles: K − ⌊K/2⌋.</summary>
    public int FixedParticles => SvgdParticles - SvgdParticles / 2;

    /// <summary>Number of updated SVGD particles: ⌊K/2⌋.</summary>
    public int UpdatedParticles => SvgdParticles / 2;

    /// <summary>Throws with a message naming the first setting out of range.</summary>
    public void Validate()
    {
        Require(RewardScale > 0 && float.IsFinite(RewardScale), $"reward scale must be positive, got {RewardScale}");
        Require(Discount is >= 0f and <= 1f, $"discount must be in [0, 1], got {Discount}");
        Require(ValueParticles >= 1, $"value particles (K_v) must be at least 1, got {ValueParticles}");
        Require(SvgdParticles >= 3, $"SVGD particles (K) must be at least 3 so that at least 2 are fixed, got {SvgdParticles}");
        Require(QLearningRate > 0 && PolicyLearningRate > 0, $"learning rates must be positive, got {QLearningRate} / {PolicyLearningRate}");
        Require(TargetUpdateInterval >= 1, $"target update interval must be at least 1, got {TargetUpdateInterval}");
        Require(TargetTau is >= 0f and <= 1f, $"target tau must be in [0, 1], got {TargetTau}");
        Require(Hidden.Count >= 1 && Hidden.All(h => h > 0), $"hidden layers must be positive widths, got [{string.Join(", ", Hidden)}]");
        Require(KernelMinBandwidth > 0, $"kernel minimum bandwidth must be positive, got {KernelMinBandwidth}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new SettingsException(message);
    }
}
