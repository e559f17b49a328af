namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// Swimmer-v4 (gymnasium/envs/mujoco/swimmer_v4.py): a three-link snake in a viscous fluid, 2 joint torques in
/// [-1, 1]. Observation qpos[2:] (3) and qvel (5); reward <c>x velocity - 1e-4 |a|^2</c>; never terminates;
/// frame skip 4 (dt 0.04 s); reset noise U(±0.1) on qpos and qvel.
/// </summary>
public sealed class Swimmer() : MuJoCoEnvironment("swimmer", "swimmer.xml", frameSkip: 4, observationDim: 8, resetNoiseScale: 0.1)
{
    public const double ForwardRewardWeight = 1.0;
    public const double ControlCostWeight = 1e-4;

    protected override (RewardTerms, bool) Score(double xVelocity, double squaredAction) =>
        (new RewardTerms(xVelocity, ForwardRewardWeight * xVelocity, 0, ControlCostWeight * squaredAction, 0), false);

    protected override void WriteObservation(Span<float> observation)
    {
        int offset = Put(observation, 0, Simulation.Qpos[2..]);
        Put(observation, offset, Simulation.Qvel);
    }
}
