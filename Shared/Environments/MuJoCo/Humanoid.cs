namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// Humanoid-v4 (gymnasium/envs/mujoco/humanoid_v4.py): a 3-D biped on a free joint, 17 joint torques in [-0.4, 0.4].
/// Observation qpos[2:] (22), qvel (23), and every body's cinert (14×10), cvel (14×6), qfrc_actuator (23) and
/// cfrc_ext (14×6), the world body's rows included: 376 values. Reward <c>1.25 · centre-of-mass x velocity + 5 -
/// 0.1 |a|^2</c> (v4 has no contact cost); terminates when the torso height qpos[2] leaves (1, 2). Frame skip 5
/// (dt 0.015 s); reset noise U(±1e-2) on qpos and qvel.
/// </summary>
public sealed class Humanoid : MuJoCoEnvironment
{
    public const double ForwardRewardWeight = 1.25;
    public const double ControlCostWeight = 0.1;
    public const double HealthyReward = 5.0;
    public const double MinHealthyZ = 1.0;
    public const double MaxHealthyZ = 2.0;

    private readonly double _totalMass;

    public Humanoid() : base("humanoid", "humanoid.xml", frameSkip: 5, observationDim: 376, resetNoiseScale: 1e-2)
    {
        foreach (double mass in Simulation.BodyMass) _totalMass += mass;
    }

    public bool IsHealthy
    {
        get
        {
            double z = Simulation.Qpos[2];
            return z > MinHealthyZ && z < MaxHealthyZ;
        }
    }

    /// <summary>x of the mass-weighted mean of the bodies' centres of mass (Gymnasium's mass_center).</summary>
    protected override double PositionX()
    {
        ReadOnlySpan<double> mass = Simulation.BodyMass;
        ReadOnlySpan<double> xipos = Simulation.Xipos;
        double sum = 0;
        for (int b = 0; b < mass.Length; b++) sum += mass[b] * xipos[3 * b];
        return sum / _totalMass;
    }

    protected override (RewardTerms, bool) Score(double xVelocity, double squaredAction) =>
        (new RewardTerms(xVelocity, ForwardRewardWeight * xVelocity, HealthyReward, ControlCostWeight * squaredAction, 0), !IsHealthy);

    protected override void WriteObservation(Span<float> observation)
    {
        MjSimulation sim = Simulation;
        int offset = Put(observation, 0, sim.Qpos[2..]);
        offset = Put(observation, offset, sim.Qvel);
        offset = Put(observation, offset, sim.Cinert);
        offset = Put(observation, offset, sim.Cvel);
        offset = Put(observation, offset, sim.QfrcActuator);
        Put(observation, offset, sim.CfrcExt);
    }
}
