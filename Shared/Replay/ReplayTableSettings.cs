namespace SoftQDistributed.Shared.Replay;

/// <summary>The shape and policies of one replay table (one shard).</summary>
/// <param name="ObsDim">Observation width.</param>
/// <param name="ActDim">Action width.</param>
/// <param name="Capacity">Rows held before the oldest are overwritten.</param>
/// <param name="RateLimiter">Minimum size and samples-per-insert ratio.</param>
/// <param name="PriorityExponent">Null samples uniformly; a value α samples row i with probability p_i^α / Σ p^α.</param>
/// <param name="Seed">Seed of the sampling generator, so a run can be repeated.</param>
public sealed record ReplayTableSettings(
    int ObsDim,
    int ActDim,
    int Capacity,
    RateLimiterSettings RateLimiter,
    double? PriorityExponent = null,
    ulong Seed = 1)
{
    public void Validate()
    {
        if (ObsDim <= 0) throw new ArgumentException($"observation width must be positive, not {ObsDim}");
        if (ActDim <= 0) throw new ArgumentException($"action width must be positive, not {ActDim}");
        if (Capacity <= 0) throw new ArgumentException($"capacity must be positive, not {Capacity}");
        ArgumentNullException.ThrowIfNull(RateLimiter);
        RateLimiter.Validate();
        if (RateLimiter.MinSizeToSample > Capacity)
            throw new ArgumentException($"min size to sample {RateLimiter.MinSizeToSample} exceeds capacity {Capacity}: sampling could never start");
        if (PriorityExponent is { } a && (!(a >= 0) || double.IsInfinity(a)))
            throw new ArgumentException($"priority exponent must be finite and non-negative, not {a}");
    }
}
