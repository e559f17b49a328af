using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.CommandLine;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Hosting;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// <c>serve</c>: the learner as a cluster member. Resumes from <c>--out</c>'s checkpoint when there is one, joins the
/// cluster, prints <c>learner listening on HTTP-URL</c> on standard output (logs go to standard error) and, once it
/// holds the learner singleton, trains from the replay shards until SIGTERM or Ctrl-C, which writes a checkpoint and exits 0.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var settings = new SettingOptions([.. SettingsLoader.TrainSettings, .. SettingsLoader.ServeSettings]);
        var command = new Command("serve", "The learner as a cluster member: trains from the replay shards and publishes the policy to the actor nodes until SIGTERM.");
        settings.AddTo(command);
        command.SetAction((parse, _) => RunAsync(settings.Given(parse)));
        return command;
    }

    /// <param name="commandLine">Configuration keys and values given on the command line.</param>
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> commandLine)
    {
        ServeConfiguration configuration = SettingsLoader.LoadServe(commandLine);
        TrainingSettings train = configuration.Training;
        SoftQSettings softQ = configuration.SoftQ;
        if (softQ.DeterministicPolicy)
            throw new SettingsException("--deterministic-policy-noise (the exploration baseline) runs in the embedded train only: actor nodes act with the sampler's noise");
        IUpdateGradientsFactory? plugin = UpdateBackend.Plugin(train.Backend);
        // A learner that resumes its own checkpoint ignores --init-from; a new one checks it before writing anything.
        PretrainedStart? pretrained = File.Exists(Path.Combine(train.Out, TrainingCheckpoint.FileName)) ? null : PretrainedStart.Open(train, softQ);
        Directory.CreateDirectory(train.Out);
        IEnvironment probe = EnvironmentRegistry.Default.Make(train.Env);
        // As in train: auto measures the GEMMs on this learner's own update before choosing.
        IGemm gemm = UpdateGemmShapes.CreateGemm(train.Backend, probe.ObservationDim, probe.ActionDim, softQ, train.BatchSize, train.Threads, Console.Error.WriteLine);
        using var learner = new LearnerState(probe.ObservationDim, probe.ActionDim, softQ, gemm, train.Seed, train.BatchSize, train.Threads, plugin);
        if (plugin is not null) Console.Error.WriteLine($"update backend: {learner.Update.Backend}");
        ServeCounters? resumed = ServeCheckpoint.TryLoad(train.Out, learner, train);
        if (resumed is null && pretrained is not null)
        {
            pretrained.LoadInto(learner.Networks);
            Console.Error.WriteLine(pretrained.Description);
        }
        ServeCounters counters = resumed ?? ServeCounters.Start(train.EpochLength, train.CheckpointInterval);
        Console.Error.WriteLine($"learner: {train.Env}, seed {train.Seed}, reward scale {softQ.RewardScale}, batch {train.BatchSize}, K {softQ.SvgdParticles}, K_v {softQ.ValueParticles}, hidden {string.Join("x", softQ.Hidden)}, {train.Threads} update thread(s), cluster seeds {configuration.Cluster.Seeds}");

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddLearnerService(configuration, learner, counters, gemm);
        await using WebApplication app = builder.Build();
        app.MapLearnerService();
        await app.StartAsync().ConfigureAwait(false);

        Console.WriteLine($"learner listening on {app.ListeningAddresses()}");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return Environment.ExitCode;
    }
}
