using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// What launch adds to the learner's summary.json under <c>distributed</c>: the cluster's shape, end-to-end rates
/// over launch's own wall time (first child started to the learner done), policy lag, and lost transitions: those
/// the actor nodes counted dropped up to the moment the learner was done, and, apart, those they still held when
/// stopped after it (acted within the pace's steps-ahead but not yet delivered when the learner was done); and the
/// CPU seconds of each role.
/// </summary>
public sealed record DistributedSummary(
    [property: JsonPropertyName("actors")] int Actors,
    [property: JsonPropertyName("shards")] int Shards,
    [property: JsonPropertyName("env_steps_per_second")] double EnvStepsPerSecond,
    [property: JsonPropertyName("updates_per_second")] double UpdatesPerSecond,
    [property: JsonPropertyName("mean_policy_lag_versions")] double MeanPolicyLagVersions,
    [property: JsonPropertyName("transitions_dropped")] ulong TransitionsDropped,
    [property: JsonPropertyName("transitions_retried")] ulong TransitionsRetried,
    [property: JsonPropertyName("transitions_unsent_after_budget")] ulong TransitionsUnsentAfterBudget,
    [property: JsonPropertyName("child_restarts")] int ChildRestarts,
    [property: JsonPropertyName("wall_seconds")] double WallSeconds,
    [property: JsonPropertyName("cpu_seconds")] ClusterCpuSeconds CpuSeconds)
{
    /// <summary>The learner's own rates, wall and CPU time: over the learner process's life, not the run's; its own summary.json keeps them.</summary>
    private static readonly string[] LearnerProcessFigures = ["wall_seconds", "updates_per_second", "env_steps_per_second", "process_cpu_seconds"];

    /// <summary>
    /// The learner's summary.json with this object added as <c>distributed</c>, as one line. The learner's own rates
    /// and times are left out, so that the run's env steps/s, updates/s, wall and CPU time are one figure each, launch's.
    /// </summary>
    public string AddTo(string learnerSummaryJson)
    {
        JsonObject summary = JsonNode.Parse(learnerSummaryJson)?.AsObject() ?? throw new InvalidDataException("the learner's summary.json is empty");
        foreach (string figure in LearnerProcessFigures) summary.Remove(figure);
        summary["distributed"] = System.Text.Json.JsonSerializer.SerializeToNode(this);
        return summary.ToJsonString();
    }
}
