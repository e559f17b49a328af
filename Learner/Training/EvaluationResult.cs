using System.Text.Json.Serialization;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// Evaluation rollouts of the stochastic policy. For MultiGoal, <see cref="GoalCounts"/> counts episodes that
/// ended at each goal in the order (5,0), (−5,0), (0,5), (0,−5). For TwoRoutes, <see cref="RouteCounts"/> counts
/// episodes that went round the wall above it and below it; for both, <see cref="GoalReachedFraction"/> is the share
/// of episodes that ended at a goal.
/// </summary>
public sealed record EvaluationResult(
    [property: JsonPropertyName("episodes")] int Episodes,
    [property: JsonPropertyName("mean_return")] double MeanReturn,
    [property: JsonPropertyName("std_return")] double StdReturn,
    [property: JsonPropertyName("min_return")] double MinReturn,
    [property: JsonPropertyName("max_return")] double MaxReturn,
    [property: JsonPropertyName("mean_length")] double MeanLength,
    [property: JsonPropertyName("goal_counts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int[]? GoalCounts,
    [property: JsonPropertyName("goal_reached_fraction"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? GoalReachedFraction,
    [property: JsonPropertyName("route_counts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int[]? RouteCounts = null)
{
    /// <summary>Each episode's observations, first to last (kept for plots, not serialised).</summary>
    [JsonIgnore]
    public IReadOnlyList<float[]> Paths { get; init; } = [];
}
