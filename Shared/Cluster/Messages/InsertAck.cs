using MessagePack;

namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>Replay shard → actor node: the batch <see cref="Sequence"/> is stored (or refused, with the reason), and the shard's figures after it.</summary>
[MessagePackObject]
public sealed class InsertAck : IClusterMessage
{
    [Key(0)] public long Sequence { get; set; }

    /// <summary>Null when stored; otherwise why the shard refused the batch (it will refuse it again: do not resend).</summary>
    [Key(1)] public string? Refusal { get; set; }

    [Key(2)] public long ShardSize { get; set; }

    public string? Invalid() => ShardSize < 0 ? "bad_size" : null;
}
