using System.Globalization;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// The processes of a local cluster and their command lines (see the README, Distributed training): shards first, then the learner,
/// then the actor nodes, all on 127.0.0.1 with ports picked up front.
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
        int[] ports = FreePorts.Take(2 * launch.Shards + 2 + launch.Actors, Host);
        int next = 0;
        Uri Url() => new($"http://{Host}:{ports[next++]}");
        var environment = new Dictionary<string, string>
        {
            ["SOFTQ__AUTH__TOKEN"] = token ?? "", // blank: off, even if launch's own environment sets one
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        string Dll(string name) => Path.Combine(binDirectory, name);
        string I(double value) => value.ToString(CultureInfo.InvariantCulture);

        // The shards' rate limiters pace the actors to the learner (Reverb style): each shard expects
        // BatchSize × TrainStepsPerEnvStep sampled rows per inserted row, within StepsAhead env steps.
        double samplesPerInsert = (double)training.BatchSize * training.TrainStepsPerEnvStep;
        int capacity = Ceiling(training.ReplayCapacity, launch.Shards);
        int minSize = Math.Min(capacity, Ceiling(training.MinReplaySize, launch.Shards));
        double errorBuffer = Math.Max((samplesPerInsert + 1) / 2, samplesPerInsert * Ceiling(launch.StepsAhead, launch.Shards));
        string replayDirectory = Path.Combine(directory, "replay");
        var shards = new List<ChildSpec>();
        for (int i = 0; i < launch.Shards; i++)
        {
            Uri rpc = Url(), http = Url();
            List<string> args = ["--host", Host, "--port", I(rpc.Port), "--http-port", I(http.Port), "--shard-id", I(i),
                "--data-dir", replayDirectory, "--obs-dim", I(env.ObservationDim), "--act-dim", I(env.ActionDim),
                "--capacity", I(capacity), "--min-size", I(minSize), "--seed", I(training.Seed * 1000 + (ulong)i),
                "--snapshot-interval", I(launch.SnapshotInterval)];
            if (samplesPerInsert > 0) args.AddRange(["--samples-per-insert", I(samplesPerInsert), "--error-buffer", I(errorBuffer)]);
            shards.Add(new ChildSpec("shard", i, Dll(ShardDll), args, "replay shard listening on ", rpc, http, environment));
        }
        string replay = string.Join(",", shards.Select(s => s.RpcUrl!.ToString().TrimEnd('/')));

        Uri learnerRpc = Url(), learnerHttp = Url();
        List<string> learnerArgs = ["serve", "--replay", replay, "--host", Host, "--port", I(learnerRpc.Port), "--http-port", I(learnerHttp.Port),
            .. TrainArguments.From(training, softQ, Path.Combine(directory, "learner"))];
        if (launch.PublishInterval is { } publish) learnerArgs.AddRange(["--publish-interval", I(publish)]);
        var learner = new ChildSpec("learner", 0, Dll(LearnerDll), learnerArgs, "learner listening on ", learnerRpc, learnerHttp, environment);

        // Actor nodes buffer little (two send batches) so that a shard holding their inserts stops their stepping at
        // once: without this they would keep acting ahead with old parameters into a large local buffer, and the
        // learner would train on stale data. A stopping node waits a few seconds for its flush.
        int sendBatch = Math.Max(training.EnvsPerActor, 32);
        var actors = new List<ChildSpec>();
        for (int i = 0; i < launch.Actors; i++)
        {
            Uri http = Url();
            List<string> args = ["--learner", learnerRpc.ToString().TrimEnd('/'), "--replay", replay, "--env", training.Env,
                "--envs", I(training.EnvsPerActor), "--node-id", I(i), "--seed", I(training.Seed), // the node derives its own seed from the run's and its id
                "--host", Host, "--http-port", I(http.Port), "--send-batch", I(sendBatch), "--max-buffered", I(2 * sendBatch),
                "--stop-flush-seconds", I(launch.ActorFlushTimeout)];
            actors.Add(new ChildSpec("actor", i, Dll(ActorDll), args, $"actor node {i} listening on ", null, http, environment));
        }
        return new ClusterPlan(shards, learner, actors, directory);
    }

    private static int Ceiling(long value, int parts) => (int)((value + parts - 1) / parts);
}
