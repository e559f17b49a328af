using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SoftQDistributed.Learner.Service.Telemetry;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.LearnerApi;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Proto.Learner;
using SoftQDistributed.Shared.Replay;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Learner.Service;

/// <summary>Registration of the learner service: Kestrel endpoints, the training loop and its parts, the gRPC and health routes.</summary>
public static class LearnerServiceExtensions
{
    public static WebApplicationBuilder AddLearnerService(this WebApplicationBuilder builder, ServeConfiguration configuration,
        LearnerState learner, ServeCounters counters, IGemm gemm)
    {
        ServeSettings serve = configuration.Serve;
        builder.Services.AddSingleton(configuration);
        builder.Services.AddSingleton(learner);
        builder.Services.AddSingleton(counters);
        builder.Services.AddSingleton(gemm);
        builder.Services.AddSingleton(new ShardedReplayClient(serve.ReplayAddresses(), new ShardedReplayClientOptions(
            learner.Networks.ObsDim, learner.Networks.ActDim, CallTimeout: TimeSpan.FromSeconds(serve.SampleTimeout),
            BackoffMin: TimeSpan.FromMilliseconds(250), BackoffMax: TimeSpan.FromSeconds(5),
            Seed: configuration.Training.Seed + 2, Channel: configuration.Security.Channel())));
        builder.Services.AddSingleton<ParameterBroadcaster>();
        builder.Services.AddSingleton<ActorReports>();
        builder.AddSoftQTelemetry("learner");
        builder.Services.AddSingleton<LearnerMetrics>();
        builder.Services.AddSingleton<TrainingLoop>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TrainingLoop>());
        builder.Services.AddSingleton<LearnerGrpcService>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60)); // room for the final checkpoint
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenGrpc(serve.Host, serve.Port, serve.TlsCertificate, serve.TlsCertificatePassword);
            kestrel.ListenHttp(serve.Host, serve.HttpPort);
        });
        return builder;
    }

    public static WebApplication MapLearnerService(this WebApplication app)
    {
        var service = app.Services.GetRequiredService<LearnerGrpcService>();
        var broadcaster = app.Services.GetRequiredService<ParameterBroadcaster>();
        var training = app.Services.GetRequiredService<TrainingLoop>();
        var configuration = app.Services.GetRequiredService<ServeConfiguration>();
        // Subscriptions are endless: end them as soon as stopping starts, so Kestrel drains and the checkpoint follows.
        app.Lifetime.ApplicationStopping.Register(broadcaster.Complete);
        GrpcServerOptions options = configuration.Security.Server(
            new GrpcServerOptions(ShuttingDown: app.Lifetime.ApplicationStopping)); // refusals are counted by GrpcMetrics
        const string name = LearnerClient.ServiceName;
        app.MapGrpcServerStreaming<SubscribeRequest, PolicyParameters>(name, "SubscribeParameters", SubscribeRequest.Parser, options, service.SubscribeParametersAsync);
        app.MapGrpcUnary<ActorReport, ActorReportAck>(name, "ReportActor", ActorReport.Parser, options, service.ReportActorAsync);
        app.MapGrpcUnary<StatusRequest, LearnerStatus>(name, "Status", StatusRequest.Parser, options, service.StatusAsync);
        app.MapGrpcUnimplemented(options);
        app.MapPrometheusMetrics();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => training.Ready ? Results.Text("ready\n") : Results.Text("starting\n", statusCode: 503));
        return app;
    }
}
