using MessagePack;

namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>Actor node → learner (pub-sub topic <see cref="Topics.ActorReports"/>), every half second: what the node did. Totals count from the node's start.</summary>
[MessagePackObject]
public sealed class ActorReport : IClusterMessage
{
    [Key(0)] public int NodeId { get; set; }

    /// <summary>Changes when the node restarts, so the learner can tell totals that restarted from zero.</summary>
    [Key(1)] public string NodeInstance { get; set; } = "";

    /// <summary>The version the node acts with now.</summary>
    [Key(2)] public ulong PolicyVersion { get; set; }

    /// <summary>Episodes finished since the previous report.</summary>
    [Key(3)] public float[] EpisodeReturns { get; set; } = [];

    [Key(4)] public long EnvSteps { get; set; }

    /// <summary>Acknowledged by a shard.</summary>
    [Key(5)] public long TransitionsSent { get; set; }

    /// <summary>Sent again after their shard left the cluster or did not answer.</summary>
    [Key(6)] public long TransitionsRetried { get; set; }

    /// <summary>Given up: refused by a shard as invalid, or still unsent when a stop's flush timed out.</summary>
    [Key(7)] public long TransitionsDropped { get; set; }

    [Key(8)] public long TransitionsBuffered { get; set; }

    /// <summary>Seconds the rollout waited: for the pace, and for a full buffer.</summary>
    [Key(9)] public double PaceWaitSeconds { get; set; }
    [Key(10)] public double BufferWaitSeconds { get; set; }

    public string? Invalid() =>
        NodeId < 0 || EnvSteps < 0 || TransitionsSent < 0 || TransitionsRetried < 0 || TransitionsDropped < 0 || EpisodeReturns is null ? "bad_report"
        : EpisodeReturns.Any(r => !float.IsFinite(r)) ? "non_finite" : null;
}
