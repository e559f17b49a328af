using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Cluster;

/// <summary>
/// The gRPC edge → the shard actor of the same process: one batch the edge has decoded and checked, to store with its
/// priorities (empty: the highest seen so far) and the policy version it was acted with. Local only: it is never
/// serialized (not an <c>IClusterMessage</c>), and the edge does not touch <see cref="Rows"/> until it is answered.
/// </summary>
public sealed record EdgeInsert(TransitionBatch Rows, double[] Priorities, ulong PolicyVersion);

/// <summary>The shard actor's answer to an <see cref="EdgeInsert"/>: the key of the first row stored, or why it was not ("shutting_down": the table has closed).</summary>
public sealed record EdgeInsertAnswer(long FirstKey, string? Refusal);
