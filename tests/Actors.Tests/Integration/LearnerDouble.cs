using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.LearnerApi;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Actors.Tests.Integration;

/// <summary>
/// A stand-in for the learner service on a real Kestrel port (h2c on 127.0.0.1): serves the newest published
/// parameters and every later publication on <c>SubscribeParameters</c>, and records <c>ReportActor</c> calls.
/// </summary>
internal sealed class LearnerDouble : IAsyncDisposable
{
    public static readonly MlpShape Shape = new(2, 2, [16, 16], 2, TanhOutput: true);
    private readonly WebApplication _app;
    private readonly List<ActorReport> _reports = [];
    private PolicyParameters? _latest;
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _unauthenticated;

    private LearnerDouble(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public string Instance { get; set; } = Guid.NewGuid().ToString("N");

    public int Unauthenticated => Volatile.Read(ref _unauthenticated);

    public static async Task<LearnerDouble> StartAsync(string? token = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var learner = new LearnerDouble(app);
        var options = new GrpcServerOptions(CallFailed: (_, ex) =>
        {
            if (ex.Reason == "unauthenticated") Interlocked.Increment(ref learner._unauthenticated);
        }, ShuttingDown: app.Lifetime.ApplicationStopping, AuthToken: token);
        app.MapGrpcServerStreaming<SubscribeRequest, PolicyParameters>(LearnerClient.ServiceName, "SubscribeParameters", SubscribeRequest.Parser, options, learner.SubscribeAsync);
        app.MapGrpcUnary<ActorReport, ActorReportAck>(LearnerClient.ServiceName, "ReportActor", ActorReport.Parser, options, learner.ReportAsync);
        await app.StartAsync();
        learner.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return learner;
    }

    /// <summary>Publishes a sampling network of <paramref name="shape"/> (default <see cref="Shape"/>) with random parameters.</summary>
    public PolicyParameters Publish(ulong version, string env = "multigoal", MlpShape? shape = null)
    {
        var policy = new Mlp(shape ?? Shape);
        new Rng(version).FillUniform(policy.Parameters, -0.3f, 0.3f);
        PolicyParameters message = PolicyParametersCodec.Encode(policy, version, Instance, version * 20, env);
        TaskCompletionSource published;
        lock (_reports)
        {
            _latest = message;
            published = _published;
            _published = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        published.TrySetResult();
        return message;
    }

    public IReadOnlyList<ActorReport> Reports
    {
        get { lock (_reports) return [.. _reports]; }
    }

    public ActorReport? LastReport
    {
        get { lock (_reports) return _reports.Count == 0 ? null : _reports[^1]; }
    }

    private async Task SubscribeAsync(SubscribeRequest request, GrpcResponseStream<PolicyParameters> stream, GrpcServerCallContext context)
    {
        PolicyParameters? sent = null;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            PolicyParameters? latest;
            Task next;
            lock (_reports)
            {
                latest = _latest;
                next = _published.Task;
            }
            if (latest is not null && !ReferenceEquals(latest, sent))
            {
                await stream.WriteAsync(latest);
                sent = latest;
            }
            await next.WaitAsync(context.CancellationToken);
        }
    }

    private Task<ActorReportAck> ReportAsync(ActorReport report, GrpcServerCallContext context)
    {
        lock (_reports)
        {
            _reports.Add(report);
            return Task.FromResult(new ActorReportAck { LearnerVersion = _latest?.Version ?? 0 });
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
