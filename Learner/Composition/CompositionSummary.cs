using System.Text.Json;
using System.Text.Json.Serialization;
using SoftQDistributed.Learner.Training;

namespace SoftQDistributed.Learner.Composition;

/// <summary>
/// summary.json of a composition, also the last line of standard output. For MultiGoal, <see cref="GoalShares"/> is
/// the share of final evaluation episodes that ended at each goal, and <see cref="CommonGoalShare"/> the share that
/// ended at a goal every composed task rewards.
/// </summary>
public sealed record CompositionSummary(
    [property: JsonPropertyName("composed")] IReadOnlyList<string> Composed,
    [property: JsonPropertyName("composed_envs")] IReadOnlyList<string> ComposedEnvs,
    [property: JsonPropertyName("env")] string Env,
    [property: JsonPropertyName("seed")] ulong Seed,
    [property: JsonPropertyName("updates")] long Updates,
    [property: JsonPropertyName("skipped_updates")] long SkippedUpdates,
    [property: JsonPropertyName("replay_states")] int ReplayStates,
    [property: JsonPropertyName("wall_seconds")] double WallSeconds,
    [property: JsonPropertyName("eval")] EvaluationResult Eval,
    [property: JsonPropertyName("goal_shares"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? GoalShares,
    [property: JsonPropertyName("common_goals"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? CommonGoals,
    [property: JsonPropertyName("common_goal_share"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CommonGoalShare)
{
    public const string FileName = "summary.json";

    private static readonly JsonSerializerOptions Options = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}
