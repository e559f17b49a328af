using System.Text.Json.Serialization;

namespace SoftQDistributed.Learner.Service;

/// <summary>The learner's state as <c>GET /status</c> serves it (JSON), for <c>launch</c> and for people.</summary>
public sealed record LearnerStatus(
    [property: JsonPropertyName("env")] string Env,
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("updates")] long Updates,
    [property: JsonPropertyName("policy_version")] ulong PolicyVersion,
    [property: JsonPropertyName("learner_instance")] string LearnerInstance,
    [property: JsonPropertyName("env_steps")] long EnvSteps,
    [property: JsonPropertyName("env_steps_budget")] long EnvStepsBudget,
    [property: JsonPropertyName("replay_size")] long ReplaySize,
    [property: JsonPropertyName("replay_shards")] int ReplayShards,
    [property: JsonPropertyName("done")] bool Done,
    [property: JsonPropertyName("updates_per_second")] double UpdatesPerSecond,
    [property: JsonPropertyName("skipped_updates")] long SkippedUpdates,
    [property: JsonPropertyName("late_samples")] long LateSamples,
    [property: JsonPropertyName("mean_policy_lag_versions")] double MeanPolicyLagVersions,
    [property: JsonPropertyName("recent_mean_return")] double? RecentMeanReturn,
    [property: JsonPropertyName("actors_reporting")] int ActorsReporting,
    [property: JsonPropertyName("transitions_retried")] ulong TransitionsRetried,
    [property: JsonPropertyName("transitions_dropped")] ulong TransitionsDropped);
