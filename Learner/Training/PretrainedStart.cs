using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// <c>--init-from RUN</c>: a new run's networks start from another run's checkpoint instead of at random, to
/// fine-tune a pretrained maximum-entropy policy on a new task (Haarnoja et al. 2017, Section 5.3). The soft Q
/// function, its target and the sampling network come from RUN; the replay, both Adam states, the counters and the
/// random generators start fresh, as in any new run. Only the networks' shapes must agree, not the tasks.
/// </summary>
public sealed class PretrainedStart
{
    private readonly SafetensorsFile _file;

    private PretrainedStart(SafetensorsFile file, string description) => (_file, Description) = (file, description);

    /// <summary>What the networks start from, in a line.</summary>
    public string Description { get; }

    /// <summary>The start <paramref name="train"/>'s <c>--init-from</c> names, checked against its task and network sizes; null when it names none.</summary>
    public static PretrainedStart? Open(TrainingSettings train, SoftQSettings softQ)
    {
        if (train.InitFrom.Length == 0) return null;
        IEnvironment probe = EnvironmentRegistry.Default.Make(train.Env);
        return Open(train.InitFrom, probe.ObservationDim, probe.ActionDim, softQ.Hidden);
    }

    /// <summary>Opens RUN's checkpoint and checks its networks fit this run's, before any work: a mismatch is one clear line.</summary>
    public static PretrainedStart Open(string run, int obsDim, int actDim, IReadOnlyList<int> hidden)
    {
        SafetensorsFile file;
        TrainingSettings source;
        try
        {
            (file, source, _) = TrainingCheckpoint.Load(run);
        }
        catch (CheckpointException e)
        {
            throw new SettingsException($"--init-from {run}: {e.Message}");
        }
        string sourceQ = file.RequireMetadata("q_shape"), sourcePolicy = file.RequireMetadata("policy_shape");
        MlpShape q = SoftQNetworks.QShape(obsDim, actDim, hidden), policy = SoftQNetworks.PolicyShape(obsDim, actDim, hidden);
        if (sourceQ != q.ToString() || sourcePolicy != policy.ToString())
            throw new SettingsException(
                $"--init-from {run}: its networks ({source.Env}) are Q {sourceQ} and sampler {sourcePolicy}, this run's are Q {q} and sampler {policy}; " +
                "the observation and action sizes and --hidden must match");
        return new PretrainedStart(file, $"networks start from {file.Source} ({source.Env}, seed {source.Seed})");
    }

    /// <summary>Overwrites the Q function, its target and the sampling network with the pretrained ones.</summary>
    public void LoadInto(SoftQNetworks networks)
    {
        foreach ((string name, Mlp network) in new[] { ("q", networks.Q), ("target_q", networks.TargetQ), ("policy", networks.Policy) })
            _file.ReadFloat32(name, network.Parameters);
    }
}
