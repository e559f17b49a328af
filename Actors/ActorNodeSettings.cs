using System.ComponentModel;
using System.Net;
using SoftQDistributed.Shared.CommandLine;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Actors;

/// <summary>
/// One actor node's settings, bound from the "Actor" section: appsettings.json, then environment variables
/// (SOFTQ__Actor__Envs=…), then the command line (--envs …).
/// </summary>
public sealed record ActorNodeSettings
{
    [Description("Environment name from the registry (the learner's), kept in its registered spelling (MultiGoal → multigoal).")]
    public string Env { get; init => field = EnvironmentRegistry.Default.Canonical(value); } = "multigoal";

    [Description("Environments stepped in lockstep, one batched policy forward per step.")]
    public int Envs { get; init; } = 1;

    [Description("This node's number: its metrics label and, with --seed, its noise seed.")]
    public int NodeId { get; init; }

    [Description("Run seed: each node's noise and environments are seeded from it and --node-id.")]
    public ulong Seed { get; init; } = 1;

    [Description("Address the probes listen on.")]
    public string Host { get; init; } = "127.0.0.1";

    [Description("HTTP/1.1 port for /healthz and /readyz; 0 picks a free one (printed on stdout).")]
    public int HttpPort { get; init; }

    [Description("GEMM for the policy forward: auto, openblas or managed.")]
    public string Backend { get; init; } = "auto";

    [Description("Rows per insert sent to a shard.")]
    public int SendBatch { get; init; } = 64;

    [Switch("--flush-ms")]
    [Description("Milliseconds after which a partly filled batch is sent anyway, so a slow actor's data does not wait.")]
    public int FlushMilliseconds { get; init; } = 20;

    [Description("Transitions held until a shard acknowledges them; stepping blocks beyond (back-pressure).")]
    public int MaxBuffered { get; init; } = 100_000;

    [Description("Batches a shard may have from this node unacknowledged (the credit that keeps a shard from being overrun).")]
    public int WindowPerShard { get; init; } = 8;

    [Description("Milliseconds: a shard that leaves an acknowledgement outstanding this long gets no new batches until it answers.")]
    [Switch("--slow-shard-ms")]
    public int SlowShardMilliseconds { get; init; } = 1000;

    [Description("Seconds: batches unacknowledged this long are sent to another shard (the first may then store them twice).")]
    public double ResendSeconds { get; init; } = 20;

    [Description("Seconds between reports to the learner; the pace follows the reports, so keep this short.")]
    [Switch("--report-interval")]
    public double ReportIntervalSeconds { get; init; } = 0.1;

    [Description("Seconds SIGTERM waits for the buffered transitions to reach the shards before counting them dropped.")]
    public double StopFlushSeconds { get; init; } = 30;

    /// <summary>The noise and environment seed of this node: distinct per node, reproducible from --seed.</summary>
    public ulong WorkerSeed => Seed + 1000 + (ulong)NodeId * 7919;

    /// <summary>Observation width of <see cref="Env"/> (what the shards store).</summary>
    public int ObservationDim => EnvironmentRegistry.Default.Make(Env).ObservationSpace.Dimension;

    /// <summary>Action width of <see cref="Env"/>.</summary>
    public int ActionDim => EnvironmentRegistry.Default.Make(Env).ActionSpace.Dimension;

    public void Validate()
    {
        if (!EnvironmentRegistry.Default.Contains(Env))
            throw new ArgumentException($"unknown environment '{Env}' (known: {string.Join(", ", EnvironmentRegistry.Default.Names)})");
        if (Envs < 1) throw new ArgumentException($"envs must be at least 1, not {Envs}");
        if (NodeId < 0) throw new ArgumentException($"node id must not be negative, not {NodeId}");
        if (!IPAddress.TryParse(Host, out _)) throw new ArgumentException($"host '{Host}' is not an IP address (use 127.0.0.1, or 0.0.0.0 to listen on every interface)");
        if (HttpPort is < 0 or > 65535) throw new ArgumentException($"http port {HttpPort} is outside 0..65535");
        GemmFactory.Parse(Backend);
        if (SendBatch < 1) throw new ArgumentException($"send batch must be at least 1, not {SendBatch}");
        if (FlushMilliseconds < 1) throw new ArgumentException($"flush interval must be at least 1 ms, not {FlushMilliseconds}");
        if (MaxBuffered < Math.Max(SendBatch, Envs))
            throw new ArgumentException($"max buffered ({MaxBuffered}) must hold at least one send batch ({SendBatch}) and one step ({Envs})");
        if (!(ReportIntervalSeconds > 0)) throw new ArgumentException($"report interval must be positive, not {ReportIntervalSeconds}");
        if (!(StopFlushSeconds >= 0)) throw new ArgumentException($"stop flush seconds must not be negative, not {StopFlushSeconds}");
        if (WindowPerShard < 1) throw new ArgumentException($"window per shard must be at least 1, not {WindowPerShard}");
        if (SlowShardMilliseconds < 1) throw new ArgumentException($"slow shard milliseconds must be at least 1, not {SlowShardMilliseconds}");
        if (!(ResendSeconds > 0)) throw new ArgumentException($"resend seconds must be positive, not {ResendSeconds}");
    }
}
