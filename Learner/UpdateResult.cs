namespace SoftQDistributed.Learner;

/// <summary>What one update step measured. When <see cref="Skipped"/>, nothing was applied.</summary>
public readonly record struct UpdateResult(
    bool Skipped,
    float QLoss,
    float MeanSquaredBellmanError,
    float QMean,
    float QStd,
    float PolicySurrogate);
