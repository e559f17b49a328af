using System.Security.Cryptography.X509Certificates;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>
/// The one way every role joins the cluster: Akka.Hosting in the Generic Host, with remoting (frame size, optional
/// mutual TLS), membership (seeds, keep-majority split-brain resolver, a failure detector that tolerates pauses),
/// the MessagePack serializer with strict serialization (no JSON fallback), DistributedPubSub on every node, and
/// readiness (this member is Up) and liveness (the ActorSystem runs) health checks tagged "ready" and "live".
/// </summary>
public static class ClusterHosting
{
    public static IServiceCollection AddSoftQCluster(this IServiceCollection services, ClusterSettings settings, string role,
        Action<AkkaConfigurationBuilder, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddHealthChecks();
        // An unhealthy readiness check (not Up yet) is what probes ask about, not an error to log on every probe.
        services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical));
        services.AddAkka(ClusterSettings.SystemName, (builder, provider) =>
        {
            ILogger log = provider.GetRequiredService<ILoggerFactory>().CreateLogger("SoftQDistributed.Cluster");
            SerializerRefusals.Refused += (manifest, reason, detail) =>
                log.LogWarning("refused a cluster message '{Manifest}' ({Reason}): {Detail}", manifest, reason, detail);
            builder
                .ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .AddHocon(Hocon(settings), HoconAddMode.Prepend)
                .WithRemoting(Remote(settings))
                .WithClustering(new ClusterOptions
                {
                    Roles = [role],
                    SeedNodes = settings.SeedAddresses(),
                    SplitBrainResolver = new KeepMajorityOption { Role = string.IsNullOrEmpty(settings.SplitBrainRole) ? null : settings.SplitBrainRole },
                })
                .WithCustomSerializer("softq-msgpack", [typeof(IClusterMessage)], system => new ClusterMessageSerializer(system))
                .WithStrictSerialization(true)
                .WithDistributedPubSub("")
                .WithAkkaClusterReadinessCheck()
                .WithActorSystemLivenessCheck();
            if (settings.SeedAddresses().Length == 0)
            {
                // No seeds: this member forms a cluster of its own (a standalone shard serving its gRPC edge).
                builder.WithActors((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));
            }
            // The cluster's own series, on the role's registry (test members without one export nothing).
            if (provider.GetService<RoleMetrics>() is { } metrics) builder.WithActors((system, _) => ClusterMetrics.Start(system, metrics));
            configure(builder, provider);
        });
        return services;
    }

    private static string Hocon(ClusterSettings settings) => $$"""
        akka.cluster.failure-detector.acceptable-heartbeat-pause = {{settings.HeartbeatPauseSeconds:0.###}}s
        akka.cluster.split-brain-resolver.stable-after = {{settings.StableAfterSeconds:0.###}}s
        akka.cluster.gossip-interval = {{settings.GossipIntervalSeconds:0.###}}s
        akka.cluster.leader-actions-interval = {{settings.GossipIntervalSeconds:0.###}}s
        # subscriptions spread by their own gossip (1 s by default): a node that just joined gets its first policy
        # broadcast, and is ready, one such round after it subscribed
        akka.cluster.pub-sub.gossip-interval = {{settings.GossipIntervalSeconds:0.###}}s
        # a node that finds no seed for a minute exits, so its supervisor (launch, Kubernetes) starts it again
        akka.cluster.shutdown-after-unsuccessful-join-seed-nodes = 60s
        akka.cluster.log-info-verbose = off
        # the first seed forms the cluster alone after this long without an answer from the other seeds, and a
        # joining node asks the seeds again this often: nodes that started with the first seed and asked before it
        # was Up wait for this. 2 s, or four gossip rounds where those are shorter (1 s with launch's 0.25 s).
        akka.cluster.seed-node-timeout = {{Math.Min(2, 4 * settings.GossipIntervalSeconds):0.###}}s
        # a restarted node joins at its old address: the seed first downs and removes the old incarnation, then
        # takes the next join attempt; retried every two gossip rounds (Akka's 10 s kept a restarted learner out
        # ~10 s more)
        akka.cluster.retry-unsuccessful-join-after = {{2 * settings.GossipIntervalSeconds:0.###}}s
        akka.remote.dot-netty.tcp.send-buffer-size = 4m
        akka.remote.dot-netty.tcp.receive-buffer-size = 4m
        akka.actor.ask-timeout = 10s
        # SIGTERM stops the Generic Host, which stops the ActorSystem after the services registered after it (the
        # rollout's final flush and report, the learner's checkpoint, the shard's snapshot). Akka's own CLR exit
        # hook would leave the cluster at once instead, while those still need it.
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """;

    private static RemoteOptions Remote(ClusterSettings settings)
    {
        var remote = new RemoteOptions
        {
            HostName = settings.Host,
            Port = settings.Port,
            PublicHostName = settings.AdvertisedHost,
            MaxFrameSize = settings.FrameBytes,
        };
        if (settings.TlsCertificate is { Length: > 0 } path)
        {
            // Every member holds the same cluster certificate and accepts only a peer presenting it (pinned
            // thumbprint), in both directions: a process without it can neither join nor send.
            X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(path, settings.TlsCertificatePassword,
                X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
            remote.EnableSsl = true;
            remote.Ssl = new SslOptions
            {
                X509Certificate = certificate,
                SuppressValidation = false,
                RequireMutualAuthentication = true,
                ValidateCertificateHostname = false,
                CustomValidator = CertificateValidation.PinnedCertificate(certificate.Thumbprint),
            };
        }
        return remote;
    }
}
