using System.CommandLine;
using System.Runtime.InteropServices;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.CommandLine;
using SoftQDistributed.Shared.Numerics.Gemm;
using Spectre.Console;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// <c>train</c>: the embedded run. Progress and logs go to standard error; standard output's last line is
/// summary.json. Leaves metrics.csv and summary.json in the output directory.
/// </summary>
public static class TrainCommand
{
    /// <summary>What a resumed run may change: its budget, evaluation, output and speed knobs, not what it learns (--force: an --out holding another run).</summary>
    private static readonly string[] ResumeOverrides = ["Train:EnvSteps", "Train:EvalEpisodes", "Train:Out", "Train:Backend", "Train:Threads", "Train:Force"];

    public static Command Create()
    {
        var settings = new SettingOptions(SettingsLoader.TrainSettings);
        var resume = new Option<string>("--resume")
        {
            Description = $"Continue the run in this directory from its checkpoint, with its saved settings; only {string.Join(" ", ResumeOverrides.Select(Switch))} may change.",
            HelpName = "dir",
        };
        var command = new Command("train", "The embedded run: actors, replay and learner in this process. Standard output's last line is summary.json.") { resume };
        settings.AddTo(command);
        command.SetAction(parse => Run(settings.Given(parse), parse.GetValue(resume)));
        return command;
    }

    /// <param name="commandLine">Configuration keys and values given on the command line.</param>
    /// <param name="resume">The directory of a run to continue, or null for a new run.</param>
    public static int Run(IReadOnlyDictionary<string, string> commandLine, string? resume)
    {
        SafetensorsFile? checkpoint = null;
        TrainingSettings train;
        SoftQSettings softQ;
        if (resume is not null)
        {
            foreach (string key in commandLine.Keys.Where(k => !ResumeOverrides.Contains(k, StringComparer.OrdinalIgnoreCase)))
                throw new SettingsException($"{Switch(key)} cannot change when resuming (the run continues with its saved settings); allowed: {string.Join(" ", ResumeOverrides.Select(Switch))}");
            (checkpoint, train, softQ) = TrainingCheckpoint.Load(resume);
            train = ApplyResumeOverrides(train with { Out = resume }, commandLine);
        }
        else
        {
            (train, softQ) = SettingsLoader.Load(commandLine);
        }
        PretrainedStart? pretrained = checkpoint is null ? PretrainedStart.Open(train, softQ) : null;
        ExistingRun.RefuseToReplace(train.Out, resume, train.Force);
        IUpdateGradientsFactory? plugin = UpdateBackend.Plugin(train.Backend);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        Directory.CreateDirectory(train.Out);
        IGemm gemm = CreateGemm(train, softQ, checkpoint);
        Console.Error.WriteLine($"{train.Env}, seed {train.Seed}, {train.EnvSteps} env steps, reward scale {softQ.RewardScale}, batch {train.BatchSize}, K {softQ.SvgdParticles}, K_v {softQ.ValueParticles}, hidden {string.Join("x", softQ.Hidden)}, {train.Threads} update thread(s)");

        using var trainer = new EmbeddedTrainer(train, softQ, gemm, plugin);
        if (plugin is not null) Console.Error.WriteLine($"update backend: {trainer.Update.Backend}");
        if (checkpoint is not null)
        {
            trainer.ReadState(checkpoint);
            if (trainer.EnvSteps >= train.EnvSteps)
                throw new SettingsException($"the checkpoint is already at {trainer.EnvSteps} env steps; give a larger --env-steps to continue");
            Console.Error.WriteLine($"resumed from {checkpoint.Source} at {trainer.EnvSteps} env steps, {trainer.Update.Updates} updates");
        }
        else if (pretrained is not null)
        {
            trainer.StartFrom(pretrained);
            Console.Error.WriteLine(pretrained.Description);
        }
        using MetricsLog metrics = MetricsLog.Open(train.Out, checkpoint is null ? null : epoch => epoch.EnvSteps <= trainer.EnvSteps);
        long nextCheckpoint = train.CheckpointInterval > 0 ? (trainer.EnvSteps / train.CheckpointInterval + 1) * train.CheckpointInterval : long.MaxValue;
        var progress = new ProgressLine(trainer, train.EnvSteps);
        if (metrics.Epochs.Count > 0) progress.Epoch(metrics.Epochs[^1]); // a resumed run shows its last return at once
        void OnEpoch(EpochMetrics epoch)
        {
            metrics.Append(epoch);
            progress.Epoch(epoch);
        }
        // Between iterations, where a straight run passes too (not inside an epoch's end), so a resume from here is exact.
        string? AfterIteration()
        {
            if (trainer.EnvSteps >= nextCheckpoint && trainer.EnvSteps < train.EnvSteps)
            {
                TrainingCheckpoint.Save(train.Out, trainer, train, softQ);
                while (nextCheckpoint <= trainer.EnvSteps) nextCheckpoint += train.CheckpointInterval;
            }
            return progress.Next();
        }

        // SIGINT (Ctrl-C) and SIGTERM stop training between iterations; the checkpoint below is then written as usual.
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        if (console.Profile.Capabilities.Interactive)
        {
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask("training", maxValue: train.EnvSteps);
                    task.Value = trainer.EnvSteps;
                    trainer.Run(OnEpoch, stop.Token, () =>
                    {
                        if (AfterIteration() is not { } line) return;
                        task.Value = trainer.EnvSteps;
                        task.Description = Markup.Escape(line);
                    });
                });
        }
        else
        {
            trainer.Run(OnEpoch, stop.Token, () =>
            {
                if (AfterIteration() is { } line) Console.Error.WriteLine(line);
            });
        }
        if (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine($"stopped at {trainer.EnvSteps} env steps; continue with: train --resume {train.Out} --env-steps {train.EnvSteps}");
        }

        TrainingCheckpoint.Save(train.Out, trainer, train, softQ);
        string json = FinalReport.Write(train, metrics.Epochs, trainer.Learner, trainer.EnvSteps, gemm, () => trainer.WallSeconds, trainer.Resumed, Console.Error.WriteLine).ToJson();
        Console.WriteLine(json);
        return 0;
    }

    /// <summary>
    /// auto measures both GEMMs on this run's own update (its products, at its dimensions) and keeps the faster. The two
    /// round differently, so a resumed auto run keeps the one its checkpoint names, and the resume stays exact.
    /// </summary>
    private static IGemm CreateGemm(TrainingSettings train, SoftQSettings softQ, SafetensorsFile? checkpoint)
    {
        string backend = train.Backend;
        if (checkpoint is not null && backend.Equals("auto", StringComparison.OrdinalIgnoreCase)
            && checkpoint.Metadata.TryGetValue(TrainingCheckpoint.GemmKey, out string? used))
        {
            backend = used;
            Console.Error.WriteLine($"resuming on the GEMM the run trained on, {used} (auto does not measure again: the other GEMM rounds differently)");
        }
        Shared.Environments.IEnvironment probe = Shared.Environments.EnvironmentRegistry.Default.Make(train.Env);
        try
        {
            return UpdateGemmShapes.CreateGemm(backend, probe.ObservationDim, probe.ActionDim, softQ, train.BatchSize, train.Threads, Console.Error.WriteLine);
        }
        catch (InvalidOperationException e) when (backend != train.Backend)
        {
            throw new SettingsException($"{e.Message}; the run trained on {backend}: --backend managed continues it, though not bit for bit");
        }
    }

    private static TrainingSettings ApplyResumeOverrides(TrainingSettings saved, IReadOnlyDictionary<string, string> commandLine)
    {
        (TrainingSettings given, _) = SettingsLoader.Load(new Dictionary<string, string>(commandLine) { ["Train:Env"] = saved.Env });
        bool Has(string key) => commandLine.ContainsKey(key);
        return saved with
        {
            EnvSteps = Has("Train:EnvSteps") ? given.EnvSteps : saved.EnvSteps,
            EvalEpisodes = Has("Train:EvalEpisodes") ? given.EvalEpisodes : saved.EvalEpisodes,
            Out = Has("Train:Out") ? given.Out : saved.Out,
            Backend = Has("Train:Backend") ? given.Backend : saved.Backend,
            Threads = Has("Train:Threads") ? given.Threads : saved.Threads,
            Force = given.Force,
        };
    }

    private static string Switch(string key) => SettingsLoader.TrainSettings.First(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)).Switch;
}
