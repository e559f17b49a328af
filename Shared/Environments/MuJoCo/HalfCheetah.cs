namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// HalfCheetah-v4 (gymnasium/envs/mujoco/half_cheetah_v4.py): a planar two-legged runner, 6 joint torques in
/// [-1, 1]. Observation qpos[1:] (8) and qvel (9); reward <c>x velocity - 0.1 |a|^2</c>; never terminates;
/// frame skip 5 (dt 0.05 s); reset noise U(±0.1) on qpos and 0.1·N(0, 1) on qvel.
/// The variant <c>halfcheetah:reward=speed</c> pays the speed either way, <c>|x velocity|</c>: a broad task to
/// pretrain on, as the paper's Ant pretrains on speed in any direction (Haarnoja et al. 2017, Section 5.3).
/// </summary>
public sealed class HalfCheetah(bool speedReward = false)
    : MuJoCoEnvironment("halfcheetah", "half_cheetah.xml", frameSkip: 5, observationDim: 17, resetNoiseScale: 0.1)
{
    public const double ForwardRewardWeight = 1.0;
    public const double ControlCostWeight = 0.1;

    /// <summary>True for <c>halfcheetah:reward=speed</c>: running backwards pays as much as running forwards.</summary>
    public bool SpeedReward { get; } = speedReward;

    /// <summary>The variant after the colon of <c>halfcheetah:reward=speed</c> (or <c>reward=forward</c>, the standard task).</summary>
    public static HalfCheetah FromOptions(string options)
    {
        bool speed = false;
        TaskOptions.Apply(options, "HalfCheetah takes reward=speed or reward=forward",
            (key, value) => key == "reward" && TaskOptions.TryRewardKind(value, out speed));
        return new HalfCheetah(speed);
    }

    protected override (RewardTerms, bool) Score(double xVelocity, double squaredAction) =>
        (new RewardTerms(xVelocity, ForwardRewardWeight * (SpeedReward ? Math.Abs(xVelocity) : xVelocity), 0, ControlCostWeight * squaredAction, 0), false);

    protected override double VelocityNoise() => Gaussian();

    protected override void WriteObservation(Span<float> observation)
    {
        int offset = Put(observation, 0, Simulation.Qpos[1..]);
        Put(observation, offset, Simulation.Qvel);
    }
}
