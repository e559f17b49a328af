using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Learner.Composition;

/// <summary>A run of <c>train</c> that composition reads from its checkpoint: its settings, its Q network and its replay's states.</summary>
public sealed record SourceRun(string Directory, TrainingSettings Train, SoftQSettings SoftQ, Mlp Q, float[] Observations)
{
    public int ObsDim => Q.Shape.ObsDim;

    public int ActDim => Q.Shape.XDim;

    /// <summary>States in the replay.</summary>
    public int StateCount => Observations.Length / ObsDim;

    /// <summary>Reads <paramref name="directory"/>'s checkpoint.safetensors; a file that is not a whole train run is a <see cref="CheckpointException"/>.</summary>
    public static SourceRun Load(string directory)
    {
        (SafetensorsFile file, TrainingSettings train, SoftQSettings softQ) = TrainingCheckpoint.Load(directory);
        if (!file.Contains("replay_observations"))
            throw new CheckpointException($"{file.Source} holds no replay (a run of serve or launch keeps it in the replay shards); compose takes runs of train");
        IEnvironment env = EnvironmentRegistry.Default.Make(train.Env);
        var q = new Mlp(new MlpShape(env.ObservationDim, env.ActionDim, softQ.Hidden, 1, TanhOutput: false));
        long stored = file.Info("q").ElementCount;
        if (stored != q.ParameterCount)
            throw new CheckpointException($"{file.Source}: q holds {stored} values, but its settings describe the network {q.Shape} of {q.ParameterCount}");
        file.ReadFloat32("q", q.Parameters);
        float[] observations = file.ReadFloat32("replay_observations");
        if (observations.Length == 0 || observations.Length % env.ObservationDim != 0)
            throw new CheckpointException($"{file.Source}: the replay holds {observations.Length} observation values, not a positive multiple of {env.ObservationDim}");
        return new SourceRun(directory, train, softQ, q, observations);
    }
}
