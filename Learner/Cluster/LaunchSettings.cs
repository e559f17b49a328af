using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// What <c>launch</c> adds to the train settings: the cluster's shape and how it is run. Each is a switch
/// (<c>--actors 3</c>) or an environment variable (<c>SOFTQ__Launch__Actors=3</c>); the switches are taken out of
/// the command line before the rest is read as train settings (so <c>--envs-per-actor</c>, a train setting, sets
/// each actor node's environment count).
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

    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--actors"] = nameof(Actors),
        ["--shards"] = nameof(Shards),
        ["--publish-interval"] = nameof(PublishInterval),
        ["--steps-ahead"] = nameof(StepsAhead),
        ["--stable-after"] = nameof(StableAfter),
        ["--snapshot-interval"] = nameof(SnapshotInterval),
        ["--auth"] = nameof(Auth),
        ["--ready-timeout"] = nameof(ReadyTimeout),
        ["--stop-timeout"] = nameof(StopTimeout),
        ["--progress-interval"] = nameof(ProgressInterval),
        ["--actor-flush-timeout"] = nameof(ActorFlushTimeout),
    };

    /// <summary>The launch switches every launch knows (for usage text).</summary>
    public static IEnumerable<string> SwitchNames => Switches.Keys;

    /// <summary>Takes the launch switches out of <paramref name="args"/>; the rest are train settings.</summary>
    public static (LaunchSettings Launch, List<string> TrainArgs) Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var rest = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            int equals = arg.IndexOf('=');
            string name = equals > 0 ? arg[..equals] : arg;
            if (!Switches.TryGetValue(name, out string? key))
            {
                rest.Add(arg);
                continue;
            }
            if (equals > 0)
            {
                values[key] = arg[(equals + 1)..];
            }
            else
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new SettingsException($"switch {arg} needs a value");
                values[key] = args[++i];
            }
        }
        IConfigurationSection section = new ConfigurationBuilder()
            .AddEnvironmentVariables("SOFTQ__")
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create("Launch:" + v.Key, v.Value)))
            .Build()
            .GetSection("Launch");
        var settings = new LaunchSettings
        {
            Actors = Read(section, nameof(Actors), 3, int.Parse),
            Shards = Read(section, nameof(Shards), 2, int.Parse),
            PublishInterval = section[nameof(PublishInterval)] is null ? null : Read(section, nameof(PublishInterval), 0, int.Parse),
            StepsAhead = Read(section, nameof(StepsAhead), 1000, int.Parse),
            StableAfter = Read(section, nameof(StableAfter), 20.0, double.Parse),
            SnapshotInterval = Read(section, nameof(SnapshotInterval), 5.0, double.Parse),
            Auth = Read(section, nameof(Auth), true, (s, _) => bool.Parse(s)),
            ReadyTimeout = Read(section, nameof(ReadyTimeout), 120.0, double.Parse),
            StopTimeout = Read(section, nameof(StopTimeout), 60.0, double.Parse),
            ProgressInterval = Read(section, nameof(ProgressInterval), 5.0, double.Parse),
            ActorFlushTimeout = Read(section, nameof(ActorFlushTimeout), 5.0, double.Parse),
        };
        settings.Validate();
        return (settings, rest);
    }

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

    private static T Read<T>(IConfigurationSection section, string key, T fallback, Func<string, IFormatProvider, T> parse)
    {
        string? raw = section[key];
        if (raw is null) return fallback;
        try
        {
            return parse(raw, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new SettingsException($"launch setting {key} = '{raw}' is not valid");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new SettingsException(message);
    }
}
