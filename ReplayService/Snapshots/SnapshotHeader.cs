using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Snapshots;

/// <summary>A snapshot file's header, checked.</summary>
public sealed record SnapshotHeader(TableCaptureHeader Table, int ChunkRows, bool HasPriorities, long PayloadBytes, uint PayloadCrc);
