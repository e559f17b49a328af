using System.Globalization;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Hosting;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// The processes of a local cluster and their command lines (see docs/architecture.md): shards first, then the learner,
/// then the actor nodes, all on 127.0.0.1 with ports (HTTP, gRPC edge, cluster) picked up front.
/// </summary>
public sealed record ClusterPlan(IReadOnlyList<ChildSpec> Shards, ChildSpec Learner, IReadOnlyList<ChildSpec> Actors, string Directory)
{
    public const string Host = "127.0.0.1";
    public const string ShardDll = "SoftQDistributed.ReplayService.dll";
    public const string LearnerDll = "SoftQDistributed.Learner.dll";
    public const string ActorDll = "SoftQDistributed.Actors.dll";

    public IEnumerable<ChildSpec> All => [.. Shards, Learner, .. Actors];

    public string LogDirectory => Path.Combine(Directory, "logs");

    public string ReplayDirectory => Path.Combine(Directory, "replay");

    public string LearnerDirectory => Path.Combine(Directory, "learner");

    /// <param name="directory">The run's directory (absolute).</param>
    /// <param name="binDirectory">Where the three assemblies are (the Learner's output folder).</param>
    /// <param name="token">The bearer token every child demands and sends; null turns authentication off.</param>
    public static ClusterPlan Create(LaunchSettings launch, TrainingSettings training, SoftQSettings softQ, string directory, string binDirectory, string? token)
    {
        IEnvironment env = EnvironmentRegistry.Default.Make(training.Env);
        int[] ports = FreePorts.Take(3 * launch.Shards + 2 + 2 * launch.Actors, Host);
        int next = 0;
        Uri Url() => new($"http://{Host}:{ports[next++]}");
        int AkkaPort() => ports[next++];
        var environment = new Dictionary<string, string>
        {
            ["SOFTQ__AUTH__TOKEN"] = token ?? "", // blank: off, even if launch's own environment sets one
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            [ParentProcessWatch.Variable] = I(System.Environment.ProcessId), // children exit by themselves when launch dies
        };
        string Dll(string name) => Path.Combine(binDirectory, name);
        static string I(double value) => value.ToString(CultureInfo.InvariantCulture);
        static string Akka(int port) => $"akka.tcp://{Shared.Cluster.ClusterSettings.SystemName}@{Host}:{port}";

        // Every child has a fixed cluster port. The shards and the learner are the seeds (a restarted seed finds the
        // others); the split-brain resolver counts every member, since launch runs an even number of shards by default.
        var replayPorts = new int[launch.Shards];
        var shardUrls = new (Uri Rpc, Uri Http)[launch.Shards];
        for (int i = 0; i < launch.Shards; i++) (shardUrls[i], replayPorts[i]) = ((Url(), Url()), AkkaPort());
        Uri learnerHttp = Url();
        int learnerPort = AkkaPort();
        string seeds = string.Join(",", replayPorts.Append(learnerPort).Select(p => $"{Host}:{p}"));
        List<string> Member(int port) => ["--cluster-host", Host, "--cluster-port", I(port), "--seeds", seeds, "--split-brain-role", "",
            "--stable-after", I(launch.StableAfter), "--gossip-interval", "0.25"];

        int capacity = Ceiling(training.ReplayCapacity, launch.Shards);
        string replayDirectory = Path.Combine(directory, "replay");
        var shards = new List<ChildSpec>();
        for (int i = 0; i < launch.Shards; i++)
        {
            (Uri rpc, Uri http) = shardUrls[i];
            List<string> args = ["--host", Host, "--port", I(rpc.Port), "--http-port", I(http.Port), "--shard-id", I(i),
                "--data-dir", replayDirectory, "--obs-dim", I(env.ObservationDim), "--act-dim", I(env.ActionDim),
                "--capacity", I(capacity), "--seed", I(training.Seed * 1000 + (ulong)i),
                "--snapshot-interval", I(launch.SnapshotInterval), .. Member(replayPorts[i])];
            shards.Add(new ChildSpec("shard", i, Dll(ShardDll), args, "replay shard listening on ", rpc, http, Akka(replayPorts[i]), environment));
        }

        List<string> learnerArgs = ["serve", "--host", Host, "--http-port", I(learnerHttp.Port), "--steps-ahead", I(launch.StepsAhead),
            .. Member(learnerPort), .. TrainArguments.From(training, softQ, Path.Combine(directory, "learner"))];
        if (launch.PublishInterval is { } publish) learnerArgs.AddRange(["--publish-interval", I(publish)]);
        var learner = new ChildSpec("learner", 0, Dll(LearnerDll), learnerArgs, "learner listening on ", null, learnerHttp, Akka(learnerPort), environment);

        // Send batches of at least one step; the buffer holds every shard's credit window and a few batches more.
        int sendBatch = Math.Max(training.EnvsPerActor, 32);
        var actors = new List<ChildSpec>();
        for (int i = 0; i < launch.Actors; i++)
        {
            Uri http = Url();
            int port = AkkaPort();
            List<string> args = ["--env", training.Env, "--envs", I(training.EnvsPerActor), "--node-id", I(i), "--seed", I(training.Seed), // the node derives its own seed
                "--host", Host, "--http-port", I(http.Port), "--send-batch", I(sendBatch), "--max-buffered", I(sendBatch * (8 * launch.Shards + 4)),
                "--stop-flush-seconds", I(launch.ActorFlushTimeout), .. Member(port)];
            actors.Add(new ChildSpec("actor", i, Dll(ActorDll), args, $"actor node {i} listening on ", null, http, Akka(port), environment));
        }
        return new ClusterPlan(shards, learner, actors, directory);
    }

    private static int Ceiling(long value, int parts) => (int)((value + parts - 1) / parts);
}
