using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Tests.Training;

public sealed class EmbeddedTrainerTests
{
    private static readonly SoftQSettings SmallAgent = new() { Hidden = [32, 32], SvgdParticles = 8, ValueParticles = 8, RewardScale = 0.1f, TargetUpdateInterval = 100 };

    private static TrainingSettings Small(long envSteps) => new()
    {
        Env = "multigoal", Seed = 9, EnvSteps = envSteps, BatchSize = 16, MinReplaySize = 50, EpochLength = 100,
        EvalEpisodesPerEpoch = 1, ActorThreads = 1, EnvsPerActor = 2, Threads = 2, PolicySyncInterval = 3,
    };

    [Fact]
    public void Training_then_resuming_gives_bit_identical_parameters_to_one_long_run()
    {
        var gemm = new ManagedGemm();
        byte[] straight;
        using (var trainer = new EmbeddedTrainer(Small(400), SmallAgent, gemm))
        {
            trainer.Run(_ => { });
            straight = Snapshot(trainer);
        }

        byte[] halfway;
        using (var first = new EmbeddedTrainer(Small(200), SmallAgent, gemm))
        {
            first.Run(_ => { });
            halfway = Snapshot(first);
        }
        using var resumed = new EmbeddedTrainer(Small(400), SmallAgent, gemm);
        resumed.ReadState(SafetensorsFile.Parse(halfway, "halfway"));
        resumed.Run(_ => { });
        Assert.Equal(400, resumed.EnvSteps);

        SafetensorsFile a = SafetensorsFile.Parse(straight, "straight"), b = SafetensorsFile.Parse(Snapshot(resumed), "resumed");
        foreach (string tensor in new[] { "q", "target_q", "policy", "adam_q_m", "adam_q_v", "adam_policy_m", "adam_policy_v", "replay_observations" })
            Assert.Equal(a.ReadFloat32(tensor), b.ReadFloat32(tensor));
        Assert.Equal(a.ReadInt64("counters"), b.ReadInt64("counters"));
    }

    [Fact]
    public void A_run_stopped_mid_epoch_by_cancellation_resumes_exactly()
    {
        var gemm = new ManagedGemm();
        var straightEpochs = new List<EpochMetrics>();
        byte[] straight;
        using (var trainer = new EmbeddedTrainer(Small(400), SmallAgent, gemm))
        {
            trainer.Run(straightEpochs.Add);
            straight = Snapshot(trainer);
        }

        var epochs = new List<EpochMetrics>();
        byte[] stopped;
        using (var stop = new CancellationTokenSource())
        using (var first = new EmbeddedTrainer(Small(400), SmallAgent, gemm))
        {
            first.Run(epochs.Add, stop.Token, () => { if (first.EnvSteps == 150) stop.Cancel(); }); // as SIGINT would, halfway through epoch 1
            Assert.Equal(150, first.EnvSteps);
            stopped = Snapshot(first);
        }
        using var resumed = new EmbeddedTrainer(Small(400), SmallAgent, gemm);
        resumed.ReadState(SafetensorsFile.Parse(stopped, "stopped"));
        Assert.True(resumed.Resumed);
        resumed.Run(epochs.Add);

        SafetensorsFile a = SafetensorsFile.Parse(straight, "straight"), b = SafetensorsFile.Parse(Snapshot(resumed), "resumed");
        foreach (string tensor in new[] { "q", "target_q", "policy", "adam_q_m", "adam_q_v", "adam_policy_m", "adam_policy_v", "replay_observations" })
            Assert.Equal(a.ReadFloat32(tensor), b.ReadFloat32(tensor));
        Assert.Equal(a.ReadInt64("counters"), b.ReadInt64("counters"));
        Assert.Equal(a.ReadFloat64("epoch_statistics"), b.ReadFloat64("epoch_statistics"));
        Assert.Equal(straightEpochs.Select(WithoutTiming), epochs.Select(WithoutTiming));
    }

    [Fact]
    public void A_checkpoint_from_before_the_epoch_state_was_kept_still_resumes()
    {
        var gemm = new ManagedGemm();
        byte[] current;
        using (var first = new EmbeddedTrainer(Small(200), SmallAgent, gemm))
        {
            first.Run(_ => { });
            current = Snapshot(first);
        }
        SafetensorsFile file = SafetensorsFile.Parse(current, "current");
        var older = new SafetensorsWriter();
        foreach (TensorInfo tensor in file.Tensors.Where(t => t.Name is not ("epoch_statistics" or "epoch_start_updates" or "run_seconds")))
        {
            if (tensor.DType == TensorDType.F32) older.Add(tensor.Name, file.ReadFloat32(tensor.Name));
            else older.Add(tensor.Name, file.ReadInt64(tensor.Name));
        }

        using var resumed = new EmbeddedTrainer(Small(400), SmallAgent, gemm);
        resumed.ReadState(SafetensorsFile.Parse(older.ToBytes(), "older"));
        Assert.Equal(200, resumed.EnvSteps);
        Assert.InRange(resumed.WallSeconds, 0, 60); // its clocks start afresh
        var epochs = new List<EpochMetrics>();
        resumed.Run(epochs.Add);
        Assert.Equal([2, 3], epochs.Select(e => e.Epoch));
        Assert.Equal(400, resumed.EnvSteps);
    }

    [Fact]
    public void Checkpoint_files_round_trip_and_a_corrupt_one_is_refused_clearly()
    {
        using var temp = new TestDirectory();
        string directory = temp.Path;
        TrainingSettings train = Small(150) with { Out = directory };
        using var trainer = new EmbeddedTrainer(train, SmallAgent, new ManagedGemm());
        trainer.Run(_ => { });
        Directory.CreateDirectory(directory);
        TrainingCheckpoint.Save(directory, trainer, train, SmallAgent);

        (SafetensorsFile file, TrainingSettings savedTrain, SoftQSettings savedAgent) = TrainingCheckpoint.Load(directory);
        Assert.Equal(train, savedTrain with { });
        Assert.Equal(SmallAgent.Hidden, savedAgent.Hidden);
        Assert.Equal(trainer.Networks.Policy.Parameters, file.ReadFloat32("policy"));
        (SafetensorsFile policyOnly, _, _) = TrainingCheckpoint.Load(directory, TrainingCheckpoint.PolicyFileName);
        Assert.False(policyOnly.Contains("q"));

        string path = Path.Combine(directory, TrainingCheckpoint.FileName);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(directory));
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_short_MultiGoal_run_makes_clear_progress()
    {
        SoftQSettings agent = SmallAgent with { Hidden = [64, 64], SvgdParticles = 16 };
        TrainingSettings train = Small(2500) with { BatchSize = 64, EnvsPerActor = 1, PolicySyncInterval = 1, Threads = 1 };
        var gemm = new ManagedGemm();
        using var trainer = new EmbeddedTrainer(train, agent, gemm);
        EvaluationResult before = Evaluator.Run("multigoal", trainer.Networks.Policy, gemm, 30, seed: 77);
        trainer.Run(_ => { });
        EvaluationResult after = Evaluator.Run("multigoal", trainer.Networks.Policy, gemm, 30, seed: 77);
        Assert.True(after.MeanReturn > before.MeanReturn + 100,
            $"mean return {before.MeanReturn:F1} before training, {after.MeanReturn:F1} after 2500 steps");
        Assert.True(after.GoalReachedFraction > before.GoalReachedFraction,
            $"goal fraction {before.GoalReachedFraction} before, {after.GoalReachedFraction} after");
    }

    private static EpochMetrics WithoutTiming(EpochMetrics epoch) => epoch with { TrainSeconds = 0, SampleSeconds = 0, EvalSeconds = 0, UpdatesPerSecond = 0 };

    private static byte[] Snapshot(EmbeddedTrainer trainer)
    {
        var writer = new SafetensorsWriter();
        trainer.WriteState(writer);
        return writer.ToBytes();
    }
}
