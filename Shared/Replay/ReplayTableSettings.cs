namespace SoftQDistributed.Shared.Replay;

/// <summary>The shape and policies of one replay table (one shard).</summary>
/// <param name="ObsDim">Observation width.</param>
/// <param name="ActDim">Action width.</param>
/// <param name="Capacity">Rows held before the oldest are overwritten.</param>
/// <param name="MinSizeToSample">Rows the table must hold before a sample is served; samples wait until then.</param>
/// <param name="PriorityExponent">Null samples uniformly; a value α samples row i with probability p_i^α / Σ p^α.</param>
/// <param name="Seed">Seed of the sampling generator, so a run can be repeated.</param>
public sealed record ReplayTableSettings(
    int ObsDim,
    int ActDim,
    int Capacity,
    int MinSizeToSample = 1,
    double? PriorityExponent = null,
    ulong Seed = 1)
{
    public void Validate()
    {
        if (ObsDim <= 0) throw new ArgumentException($"observation width must be positive, not {ObsDim}");
        if (ActDim <= 0) throw new ArgumentException($"action width must be positive, not {ActDim}");
        if (Capacity <= 0) throw new ArgumentException($"capacity must be positive, not {Capacity}");
        if (MinSizeToSample < 1) throw new ArgumentException($"min size to sample must be at least 1, not {MinSizeToSample}");
        if (MinSizeToSample > Capacity)
            throw new ArgumentException($"min size to sample {MinSizeToSample} exceeds capacity {Capacity}: sampling could never start");
        if (PriorityExponent is { } a && (!(a >= 0) || double.IsInfinity(a)))
            throw new ArgumentException($"priority exponent must be finite and non-negative, not {a}");
    }
}
