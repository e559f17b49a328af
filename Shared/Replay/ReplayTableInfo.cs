namespace SoftQDistributed.Shared.Replay;

/// <summary>A consistent reading of a table's sizes and counters.</summary>
/// <param name="SampleBlocked">Time samples spent waiting for the table to hold its minimum size (counted when each wait ends).</param>
/// <param name="SamplesBlockedNow">Samples waiting for the minimum size now.</param>
public sealed record ReplayTableInfo(
    int Size,
    int Capacity,
    long TotalInserted,
    long TotalSampled,
    long InsertCalls,
    long SampleCalls,
    TimeSpan SampleBlocked,
    int SamplesBlockedNow);
