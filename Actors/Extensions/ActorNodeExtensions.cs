using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging.Console;
using SoftQDistributed.Actors.Telemetry;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.LearnerApi;
using SoftQDistributed.Shared.Replay;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Actors.Extensions;

/// <summary>Registration of an actor node: settings, clients, the background tasks, and the health routes.</summary>
public static class ActorNodeExtensions
{
    /// <summary>Command-line switches for the settings people set most.</summary>
    public static readonly IDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--learner"] = "Actor:Learner",
        ["--replay"] = "Actor:Replay",
        ["--env"] = "Actor:Env",
        ["--envs"] = "Actor:Envs",
        ["--node-id"] = "Actor:NodeId",
        ["--seed"] = "Actor:Seed",
        ["--host"] = "Actor:Host",
        ["--http-port"] = "Actor:HttpPort",
        ["--backend"] = "Actor:Backend",
        ["--send-batch"] = "Actor:SendBatch",
        ["--flush-ms"] = "Actor:FlushMilliseconds",
        ["--max-buffered"] = "Actor:MaxBuffered",
        ["--report-interval"] = "Actor:ReportIntervalSeconds",
        ["--stop-flush-seconds"] = "Actor:StopFlushSeconds",
        ["--auth-token"] = "Auth:Token",
        ["--trusted-cert"] = "Tls:TrustedCertificate",
    };

    /// <summary>
    /// The "Actor" settings, checked. Throws <see cref="ArgumentException"/> for a bad value, or
    /// <see cref="InvalidOperationException"/> for one that does not convert (a word where a number belongs).
    /// </summary>
    public static ActorNodeSettings ReadActorNodeSettings(this IConfiguration configuration)
    {
        ActorNodeSettings settings = configuration.GetSection("Actor").Get<ActorNodeSettings>() ?? new ActorNodeSettings();
        settings.Validate();
        GrpcSecurity.From(configuration).Channel(); // a trusted certificate that cannot be read is a setting error too
        return settings;
    }

    public static WebApplicationBuilder AddActorNode(this WebApplicationBuilder builder, ActorNodeSettings settings)
    {
        builder.Logging.AddConsole();
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout carries only the listening line
        GrpcChannelOptions channel = GrpcSecurity.From(builder.Configuration).Channel();
        builder.Services.AddSingleton(settings);
        builder.AddSoftQTelemetry("actor", ("node", settings.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        builder.Services.AddSingleton<ActorNodeMetrics>();
        builder.Services.AddSingleton(_ => new LearnerClient(settings.LearnerAddress, channel));
        builder.Services.AddSingleton(_ => new ShardedReplayClient(settings.ReplayAddresses, new ShardedReplayClientOptions(
            settings.ObservationDim, settings.ActionDim, CallTimeout: TimeSpan.FromSeconds(3), // a rate-limited insert moves to another shard after this
            BackoffMin: TimeSpan.FromMilliseconds(250), BackoffMax: TimeSpan.FromSeconds(2), Seed: settings.WorkerSeed, Channel: channel)));
        builder.Services.AddSingleton<TransitionSender>();
        builder.Services.AddSingleton<ParameterSubscriber>();
        builder.Services.AddSingleton<ActorReporter>();
        builder.Services.AddSingleton<ActorNode>();
        // Stopped in reverse order: the rollout first (it flushes and sends the final report), then the others.
        builder.Services.AddHostedService(s => s.GetRequiredService<ParameterSubscriber>());
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
            app.Services.GetRequiredService<ActorReporter>());
        app.MapPrometheusMetrics();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => node.Acting ? Results.Text("acting\n") : Results.Text("waiting for parameters\n", statusCode: 503));
        return app;
    }
}
