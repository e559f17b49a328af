using System.ComponentModel;
using System.Text.Json.Serialization;
using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Learner.Settings;

/// <summary>
/// Settings of a training run (everything but the update's own hyperparameters, which are
/// <see cref="SoftQSettings"/>). Each is a command-line switch (kebab-case: <c>--env-steps</c>), a key in
/// appsettings.json (<c>Train:EnvSteps</c>) and an environment variable (<c>SOFTQ__Train__EnvSteps</c>).
/// </summary>
public sealed record TrainingSettings
{
    [Description("Environment name from the registry, kept in its registered spelling (MultiGoal → multigoal).")]
    public string Env { get; init => field = EnvironmentRegistry.Default.Canonical(value); } = "multigoal";

    [Description("MultiGoal only: the goals kept, as indices into (5,0), (-5,0), (0,5), (0,-5), e.g. 0,2; empty: all four. Trains multigoal:goals=0,2.")]
    // The loader folds it into Env (--goals 0,2 trains multigoal:goals=0,2), the one name that actors, checkpoints and evaluations see.
    [JsonIgnore]
    public IReadOnlyList<int> Goals { get; init; } = [];

    [Description("Seed of the networks' initialisation, the exploration noise and the environments.")]
    public ulong Seed { get; init; } = 1;

    [Description("A run whose networks (Q, target Q, sampling network) this new run starts from instead of random ones: fine-tuning a pretrained policy. Shapes must match; replay and optimiser start empty.")]
    public string InitFrom { get; init; } = "";

    [Description("Output directory: metrics.csv, summary.json, plots and checkpoints.")]
    public string Out { get; init; } = "runs/latest";

    [Description("Training budget in environment steps (all actors together).")]
    public long EnvSteps { get; init; } = 30_000;

    [Description("Environment of the evaluations, a variant of env (empty: env itself), e.g. tworoutes:start_sigma=0 evaluates every episode from the same start.")]
    public string EvalEnv { get; init => field = EnvironmentRegistry.Default.Canonical(value); } = "";

    /// <summary>The environment the evaluations run on: <see cref="EvalEnv"/>, or <see cref="Env"/> when it is empty.</summary>
    [JsonIgnore]
    public string EvaluationEnv => EvalEnv.Length == 0 ? Env : EvalEnv;

    [Description("Episodes of the final evaluation.")]
    public int EvalEpisodes { get; init; } = 100;

    [Description("Environment steps per epoch: one metrics.csv row and a short evaluation each.")]
    public int EpochLength { get; init; } = 1000;

    [Description("Evaluation episodes at the end of every epoch (the reference: 10).")]
    public int EvalEpisodesPerEpoch { get; init; } = 10;

    [Description("Updates per environment step (the reference: 1).")]
    public int TrainStepsPerEnvStep { get; init; } = 1;

    [Description("Actor worker threads, each with its own environments and copy of the sampling network.")]
    public int ActorThreads { get; init; } = 1;

    [Description("Environments per actor worker, stepped in lockstep with one batched forward pass.")]
    public int EnvsPerActor { get; init; } = 1;

    [Description("Actors copy the learner's sampling network every this many updates.")]
    public int PolicySyncInterval { get; init; } = 1;

    [Description("Transitions per update (minibatch size).")]
    public int BatchSize { get; init; } = 128;

    [Description("Transitions the replay holds; the oldest are replaced beyond.")]
    public int ReplayCapacity { get; init; } = 1_000_000;

    [Description("Transitions in the replay before training starts.")]
    public int MinReplaySize { get; init; } = 1000;

    [Description("Write checkpoint.safetensors every this many environment steps (0: only at the end and on SIGINT/SIGTERM).")]
    public long CheckpointInterval { get; init; } = 10_000;

    [Description("Update backend: auto, openblas or managed (ours, on that GEMM), or torch (a plugin).")]
    public string Backend { get; init; } = "auto";

    [Description("Threads of the update step (minibatch partitions).")]
    public int Threads { get; init; } = 2;

    // A choice of this command, not of the run: checkpoints do not keep it.
    [Description("Write into an --out that already holds a run, replacing it (--force alone means true).")]
    [JsonIgnore]
    public bool Force { get; init; }

    /// <summary>These settings with <see cref="Goals"/> folded into <see cref="Env"/>.</summary>
    public TrainingSettings WithGoalsInEnv()
    {
        if (Goals.Count == 0) return this;
        Require(Env.Equals("multigoal", StringComparison.OrdinalIgnoreCase), $"goals applies to --env multigoal only, not {Env}");
        try
        {
            return this with { Env = Shared.Environments.MultiGoal.VariantName(Goals), Goals = [] };
        }
        catch (ArgumentException e)
        {
            throw new SettingsException($"goals: {e.Message}");
        }
    }

    public void Validate()
    {
        Require(EnvSteps >= 1, $"env-steps must be at least 1, got {EnvSteps}");
        Require(EvalEpisodes >= 0 && EvalEpisodesPerEpoch >= 0, "evaluation episodes cannot be negative");
        Require(EnvironmentRegistry.SameTask(EvaluationEnv, Env),
            $"eval-env must be a variant of env {EnvironmentRegistry.BaseName(Env)}, got {EvalEnv}");
        Require(EpochLength >= 1, $"epoch-length must be at least 1, got {EpochLength}");
        Require(TrainStepsPerEnvStep >= 0, $"train-steps-per-env-step cannot be negative, got {TrainStepsPerEnvStep}");
        Require(ActorThreads >= 1 && EnvsPerActor >= 1, "actor-threads and envs-per-actor must be at least 1");
        Require(PolicySyncInterval >= 1, $"policy-sync-interval must be at least 1, got {PolicySyncInterval}");
        Require(BatchSize >= 1, $"batch-size must be at least 1, got {BatchSize}");
        Require(ReplayCapacity >= BatchSize, $"replay-capacity ({ReplayCapacity}) must hold at least one batch ({BatchSize})");
        Require(MinReplaySize >= 1 && MinReplaySize <= ReplayCapacity, $"min-replay-size must be in [1, replay-capacity], got {MinReplaySize}");
        Require(Threads >= 1, $"threads must be at least 1, got {Threads}");
        Require(UpdateBackend.IsKnown(Backend), $"unknown backend '{Backend}'; valid: {string.Join(", ", UpdateBackend.Names)}");
        Require(CheckpointInterval >= 0, $"checkpoint-interval cannot be negative, got {CheckpointInterval}");
        Require(!string.IsNullOrWhiteSpace(Out), "out must name a directory");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new SettingsException(message);
    }
}
