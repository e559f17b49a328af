using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// The learner service's checkpoint: <c>checkpoint.safetensors</c> and <c>policy.safetensors</c> as <c>train</c>
/// writes them (the same names for networks, Adam states and RNG; settings in the metadata, written atomically),
/// with <c>kind = serve</c> and the service's counters after the learner's. The replay lives in the shards.
/// </summary>
public static class ServeCheckpoint
{
    public const string Kind = "serve";

    public static void Save(string directory, LearnerState learner, ServeCounters counters, TrainingSettings train, SoftQSettings softQ) =>
        TrainingCheckpoint.Save(directory, learner.Networks, writer => learner.Write(writer, counters.ToArray()), train, softQ,
            new Dictionary<string, string> { ["kind"] = Kind });

    /// <summary>Restores <paramref name="learner"/> from the checkpoint in <paramref name="directory"/>; null when there is none.</summary>
    public static ServeCounters? TryLoad(string directory, LearnerState learner, TrainingSettings train)
    {
        string path = Path.Combine(directory, TrainingCheckpoint.FileName);
        if (!File.Exists(path)) return null;
        (SafetensorsFile file, TrainingSettings saved, _) = TrainingCheckpoint.Load(path);
        if (!file.Metadata.TryGetValue("kind", out string? kind) || kind != Kind)
            throw new CheckpointException($"{path} is the checkpoint of an embedded run, not of the learner service; give serve another --out");
        if (!saved.Env.Equals(train.Env, StringComparison.OrdinalIgnoreCase))
            throw new CheckpointException($"{path} trains {saved.Env}, not {train.Env}");
        return ServeCounters.From(learner.Read(file, ServeCounters.Count));
    }
}
