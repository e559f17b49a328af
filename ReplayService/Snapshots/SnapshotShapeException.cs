namespace SoftQDistributed.ReplayService.Snapshots;

/// <summary>
/// A valid snapshot whose shape or capacity is not the configured one: a misconfigured shard, not a corrupt
/// file, so start-up stops rather than serving empty and later pruning the data.
/// </summary>
public sealed class SnapshotShapeException(string message) : Exception(message);
