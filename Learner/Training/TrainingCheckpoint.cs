using System.Text.Json;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// A run's checkpoints in safetensors: <c>checkpoint.safetensors</c> holds everything an exact resume needs
/// (networks, target, both Adam states, counters, RNG states, the replay, the actors' environments) with the
/// settings in its metadata; <c>policy.safetensors</c> holds only the sampling network, for acting.
/// </summary>
public static class TrainingCheckpoint
{
    public const string FileName = "checkpoint.safetensors";
    public const string PolicyFileName = "policy.safetensors";
    public const string FormatVersion = "1";

    /// <summary>Metadata key: the GEMM an embedded run's forward passes and updates ran on (<c>openblas</c> or <c>managed</c>).</summary>
    public const string GemmKey = "gemm";

    public static void Save(string directory, EmbeddedTrainer trainer, TrainingSettings train, SoftQSettings softQ) =>
        Save(directory, trainer.Networks, trainer.WriteState, train, softQ, new Dictionary<string, string> { [GemmKey] = trainer.Gemm.Name });

    /// <summary>
    /// Writes both files, each atomically (a temporary file renamed over the old one). <paramref name="writeState"/>
    /// adds the owner's tensors; <paramref name="metadata"/> adds to the settings in the header; <paramref name="fileName"/>
    /// names the state's file (composition writes its own beside policy.safetensors).
    /// </summary>
    public static void Save(string directory, SoftQNetworks networks, Action<SafetensorsWriter> writeState, TrainingSettings train, SoftQSettings softQ,
        IReadOnlyDictionary<string, string>? metadata = null, string fileName = FileName)
    {
        var writer = new SafetensorsWriter();
        AddMetadata(writer, train, softQ, networks, metadata);
        writeState(writer);
        writer.Save(Path.Combine(directory, fileName));

        var policy = new SafetensorsWriter();
        AddMetadata(policy, train, softQ, networks, metadata);
        policy.Add("policy", networks.Policy.Parameters);
        policy.Save(Path.Combine(directory, PolicyFileName));
    }

    /// <summary>Reads <paramref name="path"/> (a checkpoint file, or a run directory holding one) and its settings.</summary>
    public static (SafetensorsFile File, TrainingSettings Train, SoftQSettings SoftQ) Load(string path, string fileName = FileName)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, fileName) : path;
        SafetensorsFile checkpoint = SafetensorsFile.Load(file);
        string version = checkpoint.RequireMetadata("format_version");
        if (version != FormatVersion)
            throw new CheckpointException($"Checkpoint {file} has format version {version}; this build reads version {FormatVersion}");
        try
        {
            TrainingSettings train = JsonSerializer.Deserialize<TrainingSettings>(checkpoint.RequireMetadata("train_settings"))!;
            SoftQSettings softQ = JsonSerializer.Deserialize<SoftQSettings>(checkpoint.RequireMetadata("softq_settings"))!;
            return (checkpoint, train, softQ);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"Checkpoint {file} has unreadable settings: {e.Message}");
        }
    }

    /// <summary>A sampling network from a checkpoint or policy export.</summary>
    public static Mlp LoadPolicy(SafetensorsFile file, SoftQNetworks shapeSource)
    {
        Mlp policy = shapeSource.Policy;
        if (file.Info("policy").ElementCount != policy.ParameterCount)
            throw new CheckpointException($"Checkpoint {file.Source}: policy holds {file.Info("policy").ElementCount} values, the network {policy.Shape} needs {policy.ParameterCount}");
        file.ReadFloat32("policy", policy.Parameters);
        return policy;
    }

    private static void AddMetadata(SafetensorsWriter writer, TrainingSettings train, SoftQSettings softQ, SoftQNetworks nets,
        IReadOnlyDictionary<string, string>? metadata)
    {
        foreach ((string key, string value) in metadata ?? new Dictionary<string, string>()) writer.Metadata[key] = value;
        writer.Metadata["format_version"] = FormatVersion;
        writer.Metadata["env"] = train.Env;
        writer.Metadata["train_settings"] = JsonSerializer.Serialize(train);
        writer.Metadata["softq_settings"] = JsonSerializer.Serialize(softQ);
        writer.Metadata["q_shape"] = nets.Q.Shape.ToString();
        writer.Metadata["policy_shape"] = nets.Policy.Shape.ToString();
        writer.Metadata["parameter_layout"] =
            "per layer: weights [in x out] row-major then bias [out]; layer 0's weights are the obs block then the action/noise block";
    }
}
