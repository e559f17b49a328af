using System.Text.Json;
using System.Text.Json.Serialization;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// summary.json: what a run did and how well its policy does; also the last line of standard output. Under
/// <c>train</c> the wall seconds and the rates over them cover the whole run, every process of it when it was resumed
/// (<c>resumed</c>); under <c>serve</c>, the learner process's own life. The CPU seconds are this process's only
/// (user and system, all threads): over the wall seconds, how many cores the run kept busy.
/// </summary>
public sealed record RunSummary(
    [property: JsonPropertyName("env")] string Env,
    [property: JsonPropertyName("seed")] ulong Seed,
    [property: JsonPropertyName("env_steps")] long EnvSteps,
    [property: JsonPropertyName("updates")] long Updates,
    [property: JsonPropertyName("skipped_updates")] long SkippedUpdates,
    [property: JsonPropertyName("wall_seconds")] double WallSeconds,
    [property: JsonPropertyName("updates_per_second")] double UpdatesPerSecond,
    [property: JsonPropertyName("env_steps_per_second")] double EnvStepsPerSecond,
    [property: JsonPropertyName("process_cpu_seconds")] double ProcessCpuSeconds,
    [property: JsonPropertyName("resumed")] bool Resumed,
    [property: JsonPropertyName("backend")] string Backend,
    [property: JsonPropertyName("eval")] EvaluationResult Eval)
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new NaNAsNullConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}
