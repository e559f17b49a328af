using MessagePack;

namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>A replay shard's figures: what the learner paces and splits its samples by. Asked with <see cref="ShardStatusRequest"/>.</summary>
[MessagePackObject]
public sealed class ShardStatus : IClusterMessage
{
    [Key(0)] public int ShardId { get; set; }
    [Key(1)] public long Size { get; set; }
    [Key(2)] public long Capacity { get; set; }

    /// <summary>Rows inserted since this shard's data began (restored from its snapshot after a restart).</summary>
    [Key(3)] public long TotalInserted { get; set; }

    [Key(4)] public int ObsDim { get; set; }
    [Key(5)] public int ActDim { get; set; }

    /// <summary>New for every process start: a restarted shard's counters start again from its snapshot.</summary>
    [Key(6)] public string Instance { get; set; } = "";

    public string? Invalid() => ShardId < 0 || Size < 0 || Capacity < 0 || TotalInserted < Size ? "bad_status" : null;
}

/// <summary>Anyone → replay shard: answer with your <see cref="ShardStatus"/>.</summary>
[MessagePackObject]
public sealed class ShardStatusRequest : IClusterMessage
{
    public static readonly ShardStatusRequest Instance = new();

    public string? Invalid() => null;
}
