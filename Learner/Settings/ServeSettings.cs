using System.ComponentModel;
using System.Net;

namespace SoftQDistributed.Learner.Settings;

/// <summary>
/// Settings of the learner as a cluster member (<c>serve</c>) on top of the <c>Train</c> and <c>SoftQ</c> sections:
/// where its HTTP endpoints listen, how often it publishes, how it paces the actors and samples the shards. Section
/// <c>Serve</c>: a switch (<c>--publish-interval</c>), a key in appsettings.json (<c>Serve:PublishInterval</c>) and
/// an environment variable (<c>SOFTQ__Serve__PublishInterval</c>). How it joins the cluster is the <c>Cluster</c> section.
/// </summary>
public sealed record ServeSettings
{
    [Description("Address the HTTP endpoints listen on (0.0.0.0 in a container).")]
    public string Host { get; init; } = "127.0.0.1";

    [Description("HTTP/1.1 port for /status, /metrics, /healthz and /readyz; 0 picks a free one.")]
    public int HttpPort { get; init; } = 8060;

    [Description("Publish the sampling network to the actor nodes every this many updates.")]
    public int PublishInterval { get; init; } = 20;

    [Description("Env steps (all actors together) the actors may run ahead of updates / train-steps-per-env-step.")]
    public int StepsAhead { get; init; } = 1000;

    [Description("Milliseconds between pace messages to the actor nodes.")]
    public int PaceInterval { get; init; } = 50;

    [Description("Minibatches fetched ahead of the update that runs now.")]
    public int PrefetchDepth { get; init; } = 4;

    [Description("Sample requests in flight at once.")]
    public int PrefetchWorkers { get; init; } = 4;

    [Description("Minibatches one sample request draws from one shard: fewer, larger messages cost the shards and the learner less.")]
    public int BatchesPerRequest { get; init; } = 4;

    [Description("Deadline of each sample request, in milliseconds: a shard that misses it is skipped for a second.")]
    public int SampleDeadline { get; init; } = 500;

    [Description("How often the shards' totals (env steps) are asked, in milliseconds; never per update.")]
    public int InfoInterval { get; init; } = 100;

    [Description("Seconds between progress lines on standard error.")]
    public float LogInterval { get; init; } = 5f;

    public void Validate()
    {
        Require(IPAddress.TryParse(Host, out _), $"host '{Host}' is not an IP address (use 127.0.0.1, or 0.0.0.0 to listen on every interface)");
        Require(HttpPort is >= 0 and <= 65535, $"http-port {HttpPort} is outside 0..65535");
        Require(PublishInterval >= 1, $"publish-interval must be at least 1, got {PublishInterval}");
        Require(StepsAhead >= 1, $"steps-ahead must be at least 1, got {StepsAhead}");
        Require(PaceInterval >= 1, $"pace-interval must be at least 1 ms, got {PaceInterval}");
        Require(PrefetchDepth >= 1, $"prefetch-depth must be at least 1, got {PrefetchDepth}");
        Require(PrefetchWorkers >= 1, $"prefetch-workers must be at least 1, got {PrefetchWorkers}");
        Require(BatchesPerRequest >= 1, $"batches-per-request must be at least 1, got {BatchesPerRequest}");
        Require(SampleDeadline >= 1, $"sample-deadline must be at least 1 ms, got {SampleDeadline}");
        Require(InfoInterval >= 1, $"info-interval must be at least 1 ms, got {InfoInterval}");
        Require(LogInterval > 0 && float.IsFinite(LogInterval), $"log-interval must be positive, got {LogInterval}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new SettingsException(message);
    }
}
