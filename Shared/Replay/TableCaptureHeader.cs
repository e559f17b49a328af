namespace SoftQDistributed.Shared.Replay;

/// <summary>What a snapshot needs besides the rows: shape, ring position and the counters that must survive.</summary>
public sealed record TableCaptureHeader(
    int ObsDim,
    int ActDim,
    int Capacity,
    int Count,
    long TotalAdded,
    long TotalSampled,
    double MaxPriority);
