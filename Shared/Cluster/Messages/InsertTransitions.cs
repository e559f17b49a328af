using MessagePack;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>Actor node → replay shard: one batch of transitions, acted with <see cref="PolicyVersion"/>, answered by an <see cref="InsertAck"/>.</summary>
[MessagePackObject]
public sealed class InsertTransitions : IClusterMessage
{
    /// <summary>The sending node's sequence number of this batch; the ack names it.</summary>
    [Key(0)] public long Sequence { get; set; }

    [Key(1)] public ulong PolicyVersion { get; set; }

    /// <summary>The rows, as <see cref="TransitionBlob"/> lays them out.</summary>
    [Key(2)] public TransitionBlob Rows { get; set; } = new();

    public string? Invalid() => Rows.Invalid();
}
