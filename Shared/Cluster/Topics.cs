namespace SoftQDistributed.Shared.Cluster;

/// <summary>The DistributedPubSub topics, and the paths of the actors found by address.</summary>
public static class Topics
{
    /// <summary>Sampling-network parameters, learner → actor nodes.</summary>
    public const string Policy = "policy";

    /// <summary>The cluster-wide pace, learner → actor nodes.</summary>
    public const string Pace = "pace";

    /// <summary>Actor node reports → learner.</summary>
    public const string ActorReports = "actor-reports";

    /// <summary>The replay shard actor's name on every replay node (<c>/user/replay-shard</c>).</summary>
    public const string ReplayShardActor = "replay-shard";
}
