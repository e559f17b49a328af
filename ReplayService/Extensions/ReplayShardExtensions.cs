using Akka.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SoftQDistributed.ReplayService.Cluster;
using SoftQDistributed.ReplayService.Grpc;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.CommandLine;
using SoftQDistributed.Shared.Hosting;
using SoftQDistributed.ReplayService.Snapshots;
using SoftQDistributed.Shared.Replay;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.ReplayService.Extensions;

/// <summary>Registration of a replay shard: settings, Kestrel endpoints, services, and the gRPC and health routes.</summary>
public static class ReplayShardExtensions
{
    /// <summary>Every setting of a shard: its own, the token of its gRPC edge and how it joins the cluster.</summary>
    public static readonly IReadOnlyList<Setting> Settings = [.. Setting.Of<ShardSettings>("Shard"), ReplayAuthToken.Setting, .. ClusterSwitches.Settings];

    /// <summary>
    /// The "Shard" settings, checked. Throws <see cref="ArgumentException"/> for a bad value, or
    /// <see cref="InvalidOperationException"/> for one that does not convert (a word where a number belongs).
    /// </summary>
    public static ShardSettings ReadShardSettings(this IConfiguration configuration)
    {
        ShardSettings settings = configuration.GetSection("Shard").Get<ShardSettings>() ?? new ShardSettings();
        settings.Validate();
        ReplayAuthToken.From(configuration); // a placeholder token is a setting error too
        return settings;
    }

    public static WebApplicationBuilder AddReplayShard(this WebApplicationBuilder builder, ShardSettings settings, ClusterSettings cluster)
    {
        // The cluster member: role "replay", with the shard actor at /user/replay-shard owning this node's table; the
        // registry hands it to the gRPC edge (IRequiredActor<ReplayShardActor>), whose inserts it stores too.
        builder.Services.AddSoftQCluster(cluster, "replay", (akka, provider) =>
            akka.WithActors((system, registry) =>
                registry.Register<ReplayShardActor>(system.ActorOf(ReplayShardActor.Props(provider.GetRequiredService<ReplayShard>()), Topics.ReplayShardActor))));
        builder.AddSoftQTelemetry("replay", ("shard", settings.ShardId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        builder.Services.AddSingleton(settings);
        builder.Services.AddParentProcessWatch();
        builder.Services.AddSingleton<ReplayShard>();
        builder.Services.AddSingleton<ReplayGrpcService>();
        string? token = ReplayAuthToken.From(builder.Configuration);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = settings.MaxMessageBytes; // larger requests: RESOURCE_EXHAUSTED
            if (token is not null) grpc.Interceptors.Add<BearerTokenInterceptor>(token);
        });
        builder.Services.AddHostedService<SnapshotService>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60)); // room for the final snapshot
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null; // streams are unbounded; each message is limited instead
            kestrel.Limits.Http2.InitialConnectionWindowSize = 4 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 2 * 1024 * 1024;
            kestrel.ListenGrpc(settings.Host, settings.Port, settings.TlsCertificate, settings.TlsCertificatePassword);
            if (settings.HttpPort is { } httpPort) kestrel.ListenHttp(settings.Host, httpPort);
        });
        return builder;
    }

    public static WebApplication MapReplayShard(this WebApplication app)
    {
        ReplayShard shard = app.Services.GetRequiredService<ReplayShard>();
        _ = shard.Metrics; // instruments exist before the first scrape
        // Kestrel drains requests before hosted services stop: end open streams and waits as soon as stopping starts,
        // so the final snapshot is written well inside a container's grace period.
        app.Lifetime.ApplicationStopping.Register(shard.Table.Close);
        app.UseMiddleware<GrpcCallAccounting>();
        app.MapGrpcService<ReplayGrpcService>();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("liveness") });
        app.MapPrometheusMetrics();
        // Ready: the snapshot is restored and this member is Up in the cluster.
        app.MapGet("/readyz", async (HealthCheckService health) =>
        {
            if (!shard.Ready) return Results.Text("restoring snapshot\n", statusCode: 503);
            var report = await health.CheckHealthAsync(c => c.Tags.Contains("ready")).ConfigureAwait(false);
            return report.Status == HealthStatus.Healthy
                ? Results.Text("ready\n") : Results.Text("not an Up cluster member yet\n", statusCode: 503);
        });
        return app;
    }
}
