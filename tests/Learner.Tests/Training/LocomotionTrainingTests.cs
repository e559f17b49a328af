using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Environments.MuJoCo;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Tests.Training;

/// <summary>The trainer on a MuJoCo task: exact resume through the simulator state, and the episode plots.</summary>
public sealed class LocomotionTrainingTests
{
    private static readonly SoftQSettings SmallAgent = new() { Hidden = [32, 32], SvgdParticles = 8, ValueParticles = 8, RewardScale = 30f, TargetUpdateInterval = 100 };

    // Hopper falls within tens of steps under an untrained policy, so the run crosses many resets.
    private static TrainingSettings Small(long envSteps) => new()
    {
        Env = "hopper", Seed = 3, EnvSteps = envSteps, BatchSize = 16, MinReplaySize = 50, EpochLength = 100,
        EvalEpisodesPerEpoch = 1, ActorThreads = 1, EnvsPerActor = 2, Threads = 2, PolicySyncInterval = 3,
    };

    [MuJoCoFact]
    public void Training_then_resuming_on_hopper_gives_bit_identical_parameters_to_one_long_run()
    {
        var gemm = new ManagedGemm();
        byte[] straight;
        using (var trainer = new EmbeddedTrainer(Small(300), SmallAgent, gemm))
        {
            trainer.Run(_ => { });
            straight = Snapshot(trainer);
        }
        byte[] halfway;
        using (var first = new EmbeddedTrainer(Small(150), SmallAgent, gemm))
        {
            first.Run(_ => { });
            halfway = Snapshot(first);
        }
        using var resumed = new EmbeddedTrainer(Small(300), SmallAgent, gemm);
        resumed.ReadState(SafetensorsFile.Parse(halfway, "halfway"));
        resumed.Run(_ => { });

        SafetensorsFile a = SafetensorsFile.Parse(straight, "straight"), b = SafetensorsFile.Parse(Snapshot(resumed), "resumed");
        foreach (string tensor in new[] { "q", "policy", "replay_observations" })
            Assert.Equal(a.ReadFloat32(tensor), b.ReadFloat32(tensor));
    }

    [MuJoCoFact]
    public void One_evaluation_episode_is_drawn_as_root_x_and_joint_angles_over_time()
    {
        using var temp = new TestDirectory();
        var shape = new MlpShape(11, 3, [16, 16], 3, TanhOutput: true);
        var policy = new Mlp(shape);
        new Rng(1).FillUniform(policy.Parameters, -0.1f, 0.1f);

        IReadOnlyList<string> files = LocomotionPlots.Write(temp.Path, "hopper", policy, new ManagedGemm(), 5);

        Assert.Equal(["episode_x.svg", "episode_joints.svg"], files.Select(Path.GetFileName));
        string joints = File.ReadAllText(files[1]);
        Assert.Contains("<svg", joints);
        Assert.Contains("actuated joint 2", joints);
        Assert.DoesNotContain("actuated joint 3", joints); // hopper has three motors
        Assert.DoesNotContain(">y<", File.ReadAllText(files[0])); // a planar model: x only
        Assert.True(LocomotionPlots.Applies("Hopper"));
        Assert.False(LocomotionPlots.Applies("multigoal"));
    }

    [MuJoCoFact]
    public void The_ant_moving_in_the_plane_gets_its_y_position_drawn_beside_x()
    {
        using var temp = new TestDirectory();
        var policy = new Mlp(new MlpShape(27, 8, [16], 8, TanhOutput: true));
        new Rng(2).FillUniform(policy.Parameters, -0.1f, 0.1f);

        IReadOnlyList<string> files = LocomotionPlots.Write(temp.Path, "ant:reward=speed", policy, new ManagedGemm(), 5);

        string position = File.ReadAllText(files[0]);
        Assert.Contains(">x<", position);
        Assert.Contains(">y<", position);
        Assert.Contains(">root position<", position);
    }

    private static byte[] Snapshot(EmbeddedTrainer trainer)
    {
        var writer = new SafetensorsWriter();
        trainer.WriteState(writer);
        return writer.ToBytes();
    }
}

/// <summary>A fact that is skipped, with the reason shown, where libmujoco 2.2.2 cannot be loaded.</summary>
public sealed class MuJoCoFactAttribute : FactAttribute
{
    public MuJoCoFactAttribute()
    {
        if (!MuJoCoLibrary.IsAvailable(out string reason)) Skip = $"MuJoCo not available ({reason}); install libmujoco2.2.2";
    }
}
