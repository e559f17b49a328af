using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.TestSupport;

/// <summary>
/// A cluster member inside the test process, hosted exactly as the roles are (<see cref="ClusterHosting.AddSoftQCluster"/>:
/// remoting on 127.0.0.1, the MessagePack serializer, strict serialization, DistributedPubSub). Every wait is bounded.
/// </summary>
internal sealed class TestClusterNode : IAsyncDisposable
{
    private static readonly TimeSpan UpLimit = TimeSpan.FromSeconds(30);
    private readonly IHost _host;

    private TestClusterNode(IHost host)
    {
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
    }

    public ActorSystem System { get; }

    public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);

    public Address Address => Cluster.SelfAddress;

    /// <summary>
    /// Starts a member of <paramref name="role"/> on <paramref name="port"/> (0: any) joining <paramref name="seeds"/>, and
    /// waits until it is Up; with <paramref name="metrics"/>, it exports its cluster series there as a role does.
    /// </summary>
    public static async Task<TestClusterNode> StartAsync(string role, int port, string seeds,
        Action<AkkaConfigurationBuilder, IServiceProvider>? configure = null, RoleMetrics? metrics = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        var settings = new ClusterSettings { Port = port, Seeds = seeds, HeartbeatPauseSeconds = 3 };
        if (metrics is not null) builder.Services.AddSingleton(metrics);
        builder.Services.AddSoftQCluster(settings, role, configure ?? ((_, _) => { }));
        IHost host = builder.Build();
        await host.StartAsync();
        var node = new TestClusterNode(host);
        try
        {
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node.Cluster.RegisterOnMemberUp(() => up.TrySetResult());
            await up.Task.WaitAsync(UpLimit);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Members with <paramref name="role"/> that are Up now.</summary>
    public int MembersUp(string role) =>
        Cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up && m.HasRole(role));

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
