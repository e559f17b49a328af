namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// Hopper-v4 (gymnasium/envs/mujoco/hopper_v4.py): a planar one-legged hopper, 3 joint torques in [-1, 1].
/// Observation qpos[1:] (5) and qvel clipped to ±10 (6); reward <c>x velocity + 1 - 1e-3 |a|^2</c>; terminates when
/// unhealthy: any of qpos[2:], qvel outside (-100, 100), torso height qpos[1] not above 0.7, or torso angle qpos[2]
/// outside (-0.2, 0.2). Frame skip 4 (dt 0.008 s); reset noise U(±5e-3) on qpos and qvel.
/// Options change the two weights as Gymnasium's constructor arguments do, e.g.
/// <c>hopper:healthy_reward=0.5,ctrl_cost_weight=0.01</c> (the reference's rllab Hopper pays those).
/// </summary>
public sealed class Hopper(double healthyReward = Hopper.DefaultHealthyReward, double controlCostWeight = Hopper.DefaultControlCostWeight)
    : MuJoCoEnvironment("hopper", "hopper.xml", frameSkip: 4, observationDim: 11, resetNoiseScale: 5e-3)
{
    public const double ForwardRewardWeight = 1.0;
    public const double DefaultControlCostWeight = 1e-3;
    public const double DefaultHealthyReward = 1.0;
    public const double HealthyStateBound = 100.0;
    public const double MinHealthyZ = 0.7;
    public const double HealthyAngleBound = 0.2;
    public const double VelocityClip = 10.0;

    public double HealthyReward { get; } = healthyReward;

    public double ControlCostWeight { get; } = controlCostWeight;

    /// <summary>The variant after the colon of <c>hopper:healthy_reward=H,ctrl_cost_weight=C</c>; either may be left out.</summary>
    public static Hopper FromOptions(string options)
    {
        double healthy = DefaultHealthyReward, control = DefaultControlCostWeight;
        TaskOptions.Apply(options, "Hopper takes healthy_reward=H and ctrl_cost_weight=C (non-negative numbers)", (key, value) => key switch
        {
            "healthy_reward" => TaskOptions.TryWeight(value, out healthy),
            "ctrl_cost_weight" => TaskOptions.TryWeight(value, out control),
            _ => false,
        });
        return new Hopper(healthy, control);
    }

    /// <summary>Gymnasium's is_healthy, strict inequalities throughout.</summary>
    public bool IsHealthy
    {
        get
        {
            ReadOnlySpan<double> qpos = Simulation.Qpos;
            foreach (double value in qpos[2..]) if (!(Math.Abs(value) < HealthyStateBound)) return false;
            foreach (double value in Simulation.Qvel) if (!(Math.Abs(value) < HealthyStateBound)) return false;
            return qpos[1] > MinHealthyZ && Math.Abs(qpos[2]) < HealthyAngleBound;
        }
    }

    // v4 pays the healthy reward on every step while terminate_when_unhealthy is set (the default), the last one too.
    protected override (RewardTerms, bool) Score(double xVelocity, double squaredAction) =>
        (new RewardTerms(xVelocity, ForwardRewardWeight * xVelocity, HealthyReward, ControlCostWeight * squaredAction, 0), !IsHealthy);

    protected override void WriteObservation(Span<float> observation)
    {
        int offset = Put(observation, 0, Simulation.Qpos[1..]);
        PutClipped(observation, offset, Simulation.Qvel, VelocityClip);
    }
}
