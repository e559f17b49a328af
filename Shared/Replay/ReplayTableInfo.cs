namespace SoftQDistributed.Shared.Replay;

/// <summary>A consistent reading of a table's sizes and counters.</summary>
public sealed record ReplayTableInfo(
    int Size,
    int Capacity,
    long TotalInserted,
    long TotalSampled,
    long InsertCalls,
    long SampleCalls,
    double RateLimiterDiff,
    TimeSpan InsertBlocked,
    TimeSpan SampleBlocked,
    int InsertsBlockedNow,
    int SamplesBlockedNow);
