namespace SoftQDistributed.Shared.Replay;

/// <summary>The table has taken its final snapshot for shutdown and accepts no more changes.</summary>
public sealed class ReplayClosedException() : InvalidOperationException("the replay table is shutting down and accepts no more inserts");
