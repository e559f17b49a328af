using System.ComponentModel;
using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// What <c>launch</c> adds to the train settings: the cluster's shape and how it is run. Each is a switch
/// (<c>--actors 3</c>), a key in appsettings.json (<c>Launch:Actors</c>) and an environment variable
/// (<c>SOFTQ__Launch__Actors=3</c>), read by <see cref="Settings.SettingsLoader.LoadLaunch"/>; <c>--envs-per-actor</c>,
/// a train setting, sets each actor node's environment count.
/// </summary>
public sealed record LaunchSettings
{
    [Description("Actor node processes.")]
    public int Actors { get; init; } = 3;

    [Description("Replay shard processes.")]
    public int Shards { get; init; } = 2;

    [Description("The learner publishes parameters every this many updates (unset: the learner's default).")]
    public int? PublishInterval { get; init; }

    // More lets the actors ride out a slow learner; less keeps the updates closer to the embedded run's lockstep.
    [Description("Env steps (all actors together) the actors may run ahead of the learner's updates / train-steps-per-env-step.")]
    public int StepsAhead { get; init; } = 1000;

    [Description("Seconds of stable membership before the split-brain resolver downs unreachable members.")]
    public double StableAfter { get; init; } = 20;

    [Description("Seconds between the shards' periodic snapshots (what a kill -9 of a shard can lose).")]
    public double SnapshotInterval { get; init; } = 5;

    [Description("Authenticate every call between the children with a bearer token (SOFTQ__AUTH__TOKEN, or a random one per launch).")]
    public bool Auth { get; init; } = true;

    [Description("Seconds a child has to become ready (listening and /readyz 200) when it is first started.")]
    public double ReadyTimeout { get; init; } = 120;

    [Description("Seconds a child has to exit after SIGTERM before it is killed.")]
    public double StopTimeout { get; init; } = 60;

    [Description("Seconds a stopping actor node has to flush its buffer into the shards; what is still unacknowledged then is counted dropped.")]
    public double ActorFlushTimeout { get; init; } = 5;

    [Description("Seconds between progress lines on standard error.")]
    public double ProgressInterval { get; init; } = 5;

    public void Validate()
    {
        Require(Actors >= 1, $"actors must be at least 1, got {Actors}");
        Require(Shards >= 1, $"shards must be at least 1, got {Shards}");
        Require(PublishInterval is null or >= 1, $"publish-interval must be at least 1, got {PublishInterval}");
        Require(StepsAhead >= 1, $"steps-ahead must be at least 1, got {StepsAhead}");
        Require(StableAfter >= 1, $"stable-after must be at least 1 s, got {StableAfter}");
        Require(SnapshotInterval >= 0, $"snapshot-interval cannot be negative, got {SnapshotInterval}");
        Require(ReadyTimeout > 0 && StopTimeout > 0 && ProgressInterval > 0 && ActorFlushTimeout > 0, "ready-timeout, stop-timeout, progress-interval and actor-flush-timeout must be positive");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new SettingsException(message);
    }
}
