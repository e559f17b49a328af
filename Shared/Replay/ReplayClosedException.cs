namespace SoftQDistributed.Shared.Replay;

/// <summary>The table is stopping for its final snapshot and takes no more inserts or samples.</summary>
public sealed class ReplayClosedException() : InvalidOperationException("the replay table is shutting down and takes no more inserts or samples");
