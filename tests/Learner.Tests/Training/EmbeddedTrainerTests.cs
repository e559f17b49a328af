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
    public void A_run_stopped_by_cancellation_resumes_exactly()
    {
        var gemm = new ManagedGemm();
        byte[] straight;
        using (var trainer = new EmbeddedTrainer(Small(400), SmallAgent, gemm))
        {
            trainer.Run(_ => { });
            straight = Snapshot(trainer);
        }

        byte[] stopped;
        using (var stop = new CancellationTokenSource())
        using (var first = new EmbeddedTrainer(Small(400), SmallAgent, gemm))
        {
            first.Run(epoch => { if (epoch.EnvSteps >= 150) stop.Cancel(); }, stop.Token); // as SIGTERM would
            Assert.InRange(first.EnvSteps, 150, 399);
            stopped = Snapshot(first);
        }
        using var resumed = new EmbeddedTrainer(Small(400), SmallAgent, gemm);
        resumed.ReadState(SafetensorsFile.Parse(stopped, "stopped"));
        resumed.Run(_ => { });

        SafetensorsFile a = SafetensorsFile.Parse(straight, "straight"), b = SafetensorsFile.Parse(Snapshot(resumed), "resumed");
        Assert.Equal(a.ReadFloat32("q"), b.ReadFloat32("q"));
        Assert.Equal(a.ReadFloat32("policy"), b.ReadFloat32("policy"));
        Assert.Equal(a.ReadInt64("counters")[..5], b.ReadInt64("counters")[..5]);
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

    private static byte[] Snapshot(EmbeddedTrainer trainer)
    {
        var writer = new SafetensorsWriter();
        trainer.WriteState(writer);
        return writer.ToBytes();
    }
}
