using Akka.Cluster.Hosting;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SoftQDistributed.Learner.Service.Telemetry;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Hosting;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Learner.Service;

/// <summary>Registration of the learner as a cluster member: the singleton, the training loop and its parts, the HTTP routes.</summary>
public static class LearnerServiceExtensions
{
    public static WebApplicationBuilder AddLearnerService(this WebApplicationBuilder builder, ServeConfiguration configuration,
        LearnerState learner, ServeCounters counters, IGemm gemm)
    {
        ServeSettings serve = configuration.Serve;
        builder.Services.AddSingleton(configuration);
        builder.Services.AddParentProcessWatch();
        builder.Services.AddSingleton(learner);
        builder.Services.AddSingleton(counters);
        builder.Services.AddSingleton(gemm);
        builder.Services.AddSingleton<ReplayShardDirectory>();
        builder.Services.AddSingleton(s => new ClusterReplayProgress(s.GetRequiredService<ReplayShardDirectory>(),
            TimeSpan.FromMilliseconds(serve.InfoInterval), counters.EnvSteps));
        builder.Services.AddSingleton(s => new ClusterSampler(s.GetRequiredService<ReplayShardDirectory>(), s.GetRequiredService<ClusterReplayProgress>(),
            TimeSpan.FromMilliseconds(serve.SampleDeadline), configuration.Training.Seed + 2));
        builder.Services.AddSingleton<PolicyPublisher>();
        builder.Services.AddSingleton<ActorReports>();
        builder.Services.AddSingleton<LearnerActivation>();
        builder.AddSoftQTelemetry("learner");
        builder.Services.AddSingleton<LearnerMetrics>();
        builder.Services.AddSingleton<TrainingLoop>();
        // The cluster member (role "learner"): the learner singleton, the shard watcher and the report subscriber.
        // Registered before the training loop, so it stops after it (the stop checkpoint is written first).
        builder.Services.AddSoftQCluster(configuration.Cluster, "learner", (akka, provider) => akka
            .WithSingleton<LearnerSingleton>("learner", LearnerSingleton.Props(provider.GetRequiredService<LearnerActivation>()),
                new ClusterSingletonOptions { Role = "learner" }, createProxyToo: false)
            .WithActors((system, registry) =>
            {
                system.ActorOf(ReplayShardWatcher.Props(provider.GetRequiredService<ReplayShardDirectory>()), "replay-shards");
                system.ActorOf(ActorReportSubscriber.Props(provider.GetRequiredService<ActorReports>(), provider.GetRequiredService<PolicyPublisher>()), "actor-reports");
            }));
        builder.Services.AddHostedService(services => services.GetRequiredService<TrainingLoop>());
        builder.Services.AddHostedService<PacePublisher>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60)); // room for the final checkpoint
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenHttp(serve.Host, serve.HttpPort));
        return builder;
    }

    public static WebApplication MapLearnerService(this WebApplication app)
    {
        var training = app.Services.GetRequiredService<TrainingLoop>();
        app.MapPrometheusMetrics();
        app.MapGet("/status", () => Results.Json(training.Status()));
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("liveness") });
        // Ready: an Up member, and (when this process is the learner) the first parameters are out.
        app.MapGet("/readyz", async (HealthCheckService health, LearnerActivation activation) =>
        {
            HealthReport report = await health.CheckHealthAsync(c => c.Tags.Contains("ready")).ConfigureAwait(false);
            if (report.Status != HealthStatus.Healthy) return Results.Text("not an Up cluster member yet\n", statusCode: 503);
            return !activation.IsActive || training.Ready ? Results.Text("ready\n") : Results.Text("starting\n", statusCode: 503);
        });
        return app;
    }
}
