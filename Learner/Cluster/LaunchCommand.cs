using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using System.Net.Http.Json;
using SoftQDistributed.Learner.Service;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.CommandLine;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// <c>launch</c>: a whole cluster on 127.0.0.1 in one command (shard, learner and actor-node processes, as the
/// README's Distributed training section describes them), supervised until the learner is done; then DIR/summary.json (the learner's summary plus
/// <see cref="DistributedSummary"/>) as the last line of standard output, and every child stopped. Progress
/// and the children's restarts go to standard error, the children's output to DIR/logs.
/// </summary>
public static class LaunchCommand
{
    public static Command Create()
    {
        var settings = new SettingOptions([.. SettingsLoader.LaunchSettings, .. SettingsLoader.TrainSettings]);
        var command = new Command("launch", "A whole cluster on 127.0.0.1 (replay shards, the learner, actor nodes as processes), supervised until the learner is done; " +
                                            "standard output's last line is summary.json.");
        settings.AddTo(command);
        command.SetAction((parse, _) => RunAsync(settings.Given(parse)));
        return command;
    }

    /// <param name="commandLine">Configuration keys and values given on the command line.</param>
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> commandLine)
    {
        (LaunchSettings launch, TrainingSettings training, SoftQSettings softQ) = SettingsLoader.LoadLaunch(commandLine);
        string directory = Path.GetFullPath(training.Out);
        string bin = AppContext.BaseDirectory;
        foreach (string dll in new[] { ClusterPlan.ShardDll, ClusterPlan.LearnerDll, ClusterPlan.ActorDll })
            if (!File.Exists(Path.Combine(bin, dll))) throw new SettingsException($"{dll} is missing from {bin}; build the Learner project (it builds the other roles next to it)");
        ExistingLaunchRun.RefuseOrClear(directory, training.Force);
        Directory.CreateDirectory(directory);
        string? token = launch.Auth ? ConfiguredToken() ?? NewToken() : null;
        ClusterPlan plan = ClusterPlan.Create(launch, training, softQ, directory, bin, token);
        TextWriter log = TextWriter.Synchronized(Console.Error);
        log.WriteLine($"launch: {training.Env}, seed {training.Seed}, {training.EnvSteps} env steps, {launch.Actors} actor node(s) × {training.EnvsPerActor} env(s), {launch.Shards} shard(s), auth {(token is null ? "off" : "on")}, in {directory}");

        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!stop.IsCancellationRequested) log.WriteLine($"launch: {context.Signal}; stopping every child");
            stop.Cancel();
        }
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        await using var cluster = new LocalCluster(plan, launch, log);
        // Whatever ends this process short of kill -9 takes the children with it.
        void KillChildren(object? sender, EventArgs e) => cluster.KillAll();
        AppDomain.CurrentDomain.ProcessExit += KillChildren;
        AppDomain.CurrentDomain.UnhandledException += KillChildren;
        try
        {
            var clock = Stopwatch.StartNew();
            await cluster.StartAsync(stop.Token);
            log.WriteLine($"launch: cluster ready in {clock.Elapsed.TotalSeconds:F1} s; {cluster.DescriptionPath}");
            using var learner = new HttpClient { BaseAddress = plan.Learner.HttpUrl };
            LearnerStatus? done = await WaitUntilDoneAsync(learner, cluster, training.EnvSteps, launch, clock, log, stop.Token);
            if (done is null) return Stopped(log);
            double wall = clock.Elapsed.TotalSeconds;

            await cluster.StopAsync(cluster.Actors); // they flush their buffers and send a final report
            LearnerStatus final = await TryStatusAsync(learner, TimeSpan.FromSeconds(10)) ?? done;
            string learnerSummary = Path.Combine(plan.LearnerDirectory, "summary.json");
            if (!File.Exists(learnerSummary)) throw new InvalidOperationException($"the learner reported done but wrote no {learnerSummary}");
            var distributed = new DistributedSummary(launch.Actors, launch.Shards,
                Math.Round(final.EnvSteps / wall, 1), Math.Round(final.Updates / wall, 1), Math.Round(final.MeanPolicyLagVersions, 2),
                done.TransitionsDropped, final.TransitionsRetried, final.TransitionsDropped - Math.Min(final.TransitionsDropped, done.TransitionsDropped),
                cluster.Restarts, Math.Round(wall, 2), ClusterCpuSeconds.Read(cluster));
            string json = distributed.AddTo(await File.ReadAllTextAsync(learnerSummary));
            await File.WriteAllTextAsync(Path.Combine(directory, "summary.json"), json + Environment.NewLine);
            log.WriteLine($"launch: done in {wall:F1} s; stopping the learner and the shards");
            await cluster.StopAllAsync();
            Console.WriteLine(json);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return Stopped(log);
        }
        finally
        {
            await cluster.StopAllAsync(); // a no-op for children already stopped
            AppDomain.CurrentDomain.ProcessExit -= KillChildren;
            AppDomain.CurrentDomain.UnhandledException -= KillChildren;
        }
    }

    private static int Stopped(TextWriter log)
    {
        log.WriteLine("launch: stopped before the budget was reached; the learner's checkpoint and the shards' snapshots are in place");
        return 0;
    }

    /// <summary>Polls the learner's Status until it says done; logs progress. Null when stopped first.</summary>
    private static async Task<LearnerStatus?> WaitUntilDoneAsync(HttpClient learner, LocalCluster cluster, long budget, LaunchSettings launch,
        Stopwatch clock, TextWriter log, CancellationToken cancellationToken)
    {
        TimeSpan progressEvery = TimeSpan.FromSeconds(launch.ProgressInterval);
        TimeSpan nextProgress = progressEvery;
        (double Seconds, long Updates, long EnvSteps)? previous = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            LearnerStatus? status = await TryStatusAsync(learner, TimeSpan.FromSeconds(5));
            cluster.SampleCpu(); // a child that dies keeps its last reading
            if (status is { Done: true }) return status;
            if (clock.Elapsed >= nextProgress)
            {
                nextProgress = clock.Elapsed + progressEvery;
                double now = clock.Elapsed.TotalSeconds;
                if (status is null)
                {
                    log.WriteLine($"launch: learner not answering | restarts {cluster.Restarts} | {now:F0} s");
                }
                else
                {
                    string rates = previous is { } p && now > p.Seconds
                        ? $"{(status.EnvSteps - Math.Min(status.EnvSteps, p.EnvSteps)) / (now - p.Seconds):F0} env steps/s, {(status.Updates - Math.Min(status.Updates, p.Updates)) / (now - p.Seconds):F0} updates/s"
                        : $"{status.UpdatesPerSecond:F0} updates/s";
                    log.WriteLine($"launch: env steps {status.EnvSteps}/{budget} | updates {status.Updates} | {rates} | version {status.PolicyVersion} | lag {status.MeanPolicyLagVersions:F1} | actors {status.ActorsReporting} | shards {status.ReplayShards}{(status.RecentMeanReturn is { } recent ? $" | return {recent:F1}" : "")} | late samples {status.LateSamples} | dropped {status.TransitionsDropped} | restarts {cluster.Restarts} | {now:F0} s");
                    previous = (now, status.Updates, status.EnvSteps);
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return null;
    }

    private static async Task<LearnerStatus?> TryStatusAsync(HttpClient learner, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await learner.GetFromJsonAsync<LearnerStatus>("/status", deadline.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or System.Text.Json.JsonException)
        {
            return null; // restarting, or not up yet
        }
    }

    private static string? ConfiguredToken() =>
        SettingsLoader.ReadAuthToken(new ConfigurationBuilder().AddEnvironmentVariables("SOFTQ__").Build());

    private static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
}
