namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// Walker2d-v4 (gymnasium/envs/mujoco/walker2d_v4.py): a planar biped, 6 joint torques in [-1, 1]. Observation
/// qpos[1:] (8) and qvel clipped to ±10 (9); reward <c>x velocity + 1 - 1e-3 |a|^2</c>; terminates when the torso
/// height qpos[1] leaves (0.8, 2.0) or its angle qpos[2] leaves (-1, 1). Frame skip 4 (dt 0.008 s); reset noise
/// U(±5e-3) on qpos and qvel.
/// </summary>
public sealed class Walker2d() : MuJoCoEnvironment("walker2d", "walker2d.xml", frameSkip: 4, observationDim: 17, resetNoiseScale: 5e-3)
{
    public const double ForwardRewardWeight = 1.0;
    public const double ControlCostWeight = 1e-3;
    public const double HealthyReward = 1.0;
    public const double MinHealthyZ = 0.8;
    public const double MaxHealthyZ = 2.0;
    public const double HealthyAngleBound = 1.0;
    public const double VelocityClip = 10.0;

    public bool IsHealthy
    {
        get
        {
            ReadOnlySpan<double> qpos = Simulation.Qpos;
            return qpos[1] > MinHealthyZ && qpos[1] < MaxHealthyZ && Math.Abs(qpos[2]) < HealthyAngleBound;
        }
    }

    protected override (RewardTerms, bool) Score(double xVelocity, double squaredAction) =>
        (new RewardTerms(xVelocity, ForwardRewardWeight * xVelocity, HealthyReward, ControlCostWeight * squaredAction, 0), !IsHealthy);

    protected override void WriteObservation(Span<float> observation)
    {
        int offset = Put(observation, 0, Simulation.Qpos[1..]);
        PutClipped(observation, offset, Simulation.Qvel, VelocityClip);
    }
}
