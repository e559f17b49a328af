using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Tests.Cluster;

/// <summary>Well-formed cluster messages with distinct values in every field, for round trips and to spoil one field at a time.</summary>
internal static class Samples
{
    public static readonly MlpShape PolicyShape = new(2, 2, [8, 8], 2, TanhOutput: true);

    /// <summary><paramref name="rows"/> MultiGoal-shaped rows (obs 2, act 2), every value distinct, the last row terminal.</summary>
    public static TransitionBatch Batch(int rows, int capacity = 0)
    {
        var batch = new TransitionBatch(Math.Max(rows, capacity), 2, 2) { Count = rows };
        for (int i = 0; i < rows; i++)
        {
            for (int d = 0; d < 2; d++)
            {
                batch.Observations[2 * i + d] = i + 0.1f * d;
                batch.Actions[2 * i + d] = -0.5f + 0.01f * i + 0.001f * d;
                batch.NextObservations[2 * i + d] = i + 1 + 0.1f * d;
            }
            batch.Rewards[i] = -i - 0.25f;
            batch.Terminals[i] = i == rows - 1 ? 1f : 0f;
        }
        return batch;
    }

    public static TransitionBlob Blob(int rows = 3) => TransitionBlob.From(Batch(rows));

    public static PolicyParameters Policy(ulong version = 4, string instance = "learner-a", string env = "multigoal", MlpShape? shape = null)
    {
        var policy = new Mlp(shape ?? PolicyShape);
        new Rng(version).FillUniform(policy.Parameters, -0.3f, 0.3f);
        return PolicyParameters.From(policy, version, instance, updates: version * 20, env);
    }

    public static ShardStatus Status() => new()
    {
        ShardId = 1, Size = 90, Capacity = 1000, TotalInserted = 120, ObsDim = 2, ActDim = 2, Instance = "shard-instance",
    };

    /// <summary>One of every message type that crosses nodes.</summary>
    public static IEnumerable<object[]> EveryMessage() =>
    [
        [new InsertTransitions { Sequence = 7, PolicyVersion = 3, Rows = Blob() }],
        [new InsertAck { Sequence = 7, ShardSize = 42 }],
        [new InsertAck { Sequence = 8, Refusal = "wrong_shape", ShardSize = 42 }],
        [new SampleTransitions { Count = 256 }],
        [new SampledTransitions { Rows = Blob(5), Status = Status() }],
        [new SampledTransitions { Refusal = "empty", Status = Status() }],
        [ShardStatusRequest.Instance],
        [Status()],
        [Policy()],
        [new Pace
        {
            LearnerInstance = "learner-a", AllowedEnvSteps = 5000, ClusterEnvSteps = 4200, Updates = 4100, PolicyVersion = 9,
            Budgets = new Dictionary<string, long> { ["node-a"] = 2500, ["node-b"] = 2600 },
        }],
        [new ActorReport
        {
            NodeId = 2, NodeInstance = "node-b", PolicyVersion = 9, EpisodeReturns = [-3.5f, 12f], EnvSteps = 2400, TransitionsSent = 2300,
            TransitionsRetried = 64, TransitionsDropped = 1, TransitionsBuffered = 99, PaceWaitSeconds = 1.5, BufferWaitSeconds = 0.25,
        }],
    ];
}
