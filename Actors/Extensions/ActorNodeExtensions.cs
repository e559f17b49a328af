using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging.Console;
using Akka.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using SoftQDistributed.Actors.Cluster;
using SoftQDistributed.Actors.Telemetry;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.CommandLine;
using SoftQDistributed.Shared.Hosting;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Actors.Extensions;

/// <summary>Registration of an actor node: settings, clients, the background tasks, and the health routes.</summary>
public static class ActorNodeExtensions
{
    /// <summary>Every setting of an actor node: its own and how it joins the cluster.</summary>
    public static readonly IReadOnlyList<Setting> Settings = [.. Setting.Of<ActorNodeSettings>("Actor"), .. ClusterSwitches.Settings];

    /// <summary>
    /// The "Actor" settings, checked. Throws <see cref="ArgumentException"/> for a bad value, or
    /// <see cref="InvalidOperationException"/> for one that does not convert (a word where a number belongs).
    /// </summary>
    public static ActorNodeSettings ReadActorNodeSettings(this IConfiguration configuration)
    {
        ActorNodeSettings settings = configuration.GetSection("Actor").Get<ActorNodeSettings>() ?? new ActorNodeSettings();
        settings.Validate();
        return settings;
    }

    public static WebApplicationBuilder AddActorNode(this WebApplicationBuilder builder, ActorNodeSettings settings, ClusterSettings cluster)
    {
        builder.Logging.AddConsole();
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout carries only the listening line
        builder.Services.AddSingleton(settings);
        builder.Services.AddParentProcessWatch();
        builder.AddSoftQTelemetry("actor", ("node", settings.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        builder.Services.AddSingleton<ActorNodeMetrics>();
        builder.Services.AddSingleton<ReplayShardDirectory>();
        builder.Services.AddSingleton<TransitionSender>();
        builder.Services.AddSingleton<ParameterSubscriber>();
        builder.Services.AddSingleton<PaceGate>();
        builder.Services.AddSingleton<ActorReporter>();
        builder.Services.AddSingleton<ActorNode>();
        // The cluster member (role "actor"): the shard watcher, the forwarder that sends with credit, and the
        // subscriber to the learner's policy and pace. Registered before the rollout, so it stops after it (the
        // rollout's final flush and report still go out).
        builder.Services.AddSoftQCluster(cluster, "actor", (akka, provider) => akka.WithActors((system, registry) =>
        {
            ReplayShardDirectory directory = provider.GetRequiredService<ReplayShardDirectory>();
            TransitionSender sender = provider.GetRequiredService<TransitionSender>();
            system.ActorOf(ReplayShardWatcher.Props(directory), "replay-shards");
            sender.Attach(system.ActorOf(InsertForwarder.Props(directory, sender, provider.GetRequiredService<ActorNodeMetrics>(), settings), "insert-forwarder"));
            system.ActorOf(LearnerSubscriber.Props(provider.GetRequiredService<ParameterSubscriber>(), provider.GetRequiredService<PaceGate>()),
                "learner-subscriber");
        }));
        builder.Services.AddHostedService(s => s.GetRequiredService<ActorReporter>());
        builder.Services.AddHostedService(s => s.GetRequiredService<ActorNode>());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.StopFlushSeconds + 20));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenHttp(settings.Host, settings.HttpPort));
        return builder;
    }

    public static WebApplication MapActorNode(this WebApplication app)
    {
        ActorNode node = app.Services.GetRequiredService<ActorNode>();
        app.Services.GetRequiredService<ActorNodeMetrics>().Observe(node, app.Services.GetRequiredService<TransitionSender>(),
            app.Services.GetRequiredService<PaceGate>());
        app.MapPrometheusMetrics();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("liveness") });
        app.MapGet("/readyz", () => node.Acting ? Results.Text("acting\n") : Results.Text("waiting for parameters\n", statusCode: 503));
        return app;
    }
}
