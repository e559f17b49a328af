using MessagePack;

namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>Replay shard → learner: the rows drawn, or none (<see cref="Refusal"/> says why: empty, below_min_size, shutting_down).</summary>
[MessagePackObject]
public sealed class SampledTransitions : IClusterMessage
{
    [Key(0)] public TransitionBlob? Rows { get; set; }

    [Key(1)] public string? Refusal { get; set; }

    /// <summary>The shard's figures when it drew them.</summary>
    [Key(2)] public ShardStatus Status { get; set; } = new();

    public string? Invalid() => Status.Invalid() ?? (Rows is null ? (Refusal is null ? "empty_sample" : null) : Rows.Invalid());
}
