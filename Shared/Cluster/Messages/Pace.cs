using MessagePack;

namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>
/// Learner → every actor node (pub-sub topic <see cref="Topics.Pace"/>), many times a second: the one cluster-wide
/// pace. The actors together may take env steps up to <see cref="AllowedEnvSteps"/>; they have reported
/// <see cref="ClusterEnvSteps"/>; each node reporting now may go on to its entry in <see cref="Budgets"/> (its own
/// step count), its reported steps plus an equal share of the difference.
/// </summary>
[MessagePackObject]
public sealed class Pace : IClusterMessage
{
    [Key(0)] public string LearnerInstance { get; set; } = "";

    /// <summary>updates / train-steps-per-env-step + steps-ahead (or min-replay-size + steps-ahead before training starts).</summary>
    [Key(1)] public long AllowedEnvSteps { get; set; }

    /// <summary>Env steps the actor nodes reported taken, over every node and its restarts.</summary>
    [Key(2)] public long ClusterEnvSteps { get; set; }

    /// <summary>Per node instance (<see cref="ActorReport.NodeInstance"/>): the env-step count it may reach.</summary>
    [Key(3)] public Dictionary<string, long> Budgets { get; set; } = [];

    [Key(4)] public long Updates { get; set; }

    /// <summary>The newest parameter version published.</summary>
    [Key(5)] public ulong PolicyVersion { get; set; }

    public string? Invalid() => AllowedEnvSteps < 0 || ClusterEnvSteps < 0 || Updates < 0 || Budgets is null || Budgets.Values.Any(b => b < 0) ? "bad_pace" : null;
}
