namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// Ant-v4 (gymnasium/envs/mujoco/ant_v4.py, default use_contact_forces=False): a four-legged walker on a free
/// joint, 8 joint torques in [-1, 1]. Observation qpos[2:] (13) and qvel (14); reward
/// <c>torso x velocity + 1 - 0.5 |a|^2</c>; terminates when the state is not finite or the torso height qpos[2]
/// leaves [0.2, 1.0]. Frame skip 5 (dt 0.05 s); reset noise U(±0.1) on qpos and 0.1·N(0, 1) on qvel.
/// Options: <c>reward=speed</c> is the paper's pretraining task (Haarnoja et al. 2017, Section 5.3), whose forward
/// term pays the torso's speed in the ground plane, in any direction, instead of its x velocity;
/// <c>healthy_reward=H</c> and <c>ctrl_cost_weight=C</c> change those weights as Gymnasium's constructor arguments do
/// (<c>ant:healthy_reward=0.05,ctrl_cost_weight=0.005</c> pays what the reference's rllab Ant pays).
/// </summary>
public sealed class Ant : MuJoCoEnvironment
{
    public const double DefaultControlCostWeight = 0.5;
    public const double DefaultHealthyReward = 1.0;
    public const double MinHealthyZ = 0.2;
    public const double MaxHealthyZ = 1.0;

    private readonly int _torso;

    public Ant(bool speedReward = false, double healthyReward = DefaultHealthyReward, double controlCostWeight = DefaultControlCostWeight)
        : base("ant", "ant.xml", frameSkip: 5, observationDim: 27, resetNoiseScale: 0.1)
    {
        _torso = Simulation.BodyId("torso");
        SpeedReward = speedReward;
        HealthyReward = healthyReward;
        ControlCostWeight = controlCostWeight;
    }

    /// <summary>True for <c>ant:reward=speed</c>: speed in any direction is rewarded, not progress along x.</summary>
    public bool SpeedReward { get; }

    public double HealthyReward { get; }

    public double ControlCostWeight { get; }

    /// <summary>The variant after the colon of <c>ant:reward=speed,healthy_reward=H,ctrl_cost_weight=C</c>; any may be left out.</summary>
    public static Ant FromOptions(string options)
    {
        bool speed = false;
        double healthy = DefaultHealthyReward, control = DefaultControlCostWeight;
        TaskOptions.Apply(options, "Ant takes reward=speed or reward=forward, healthy_reward=H and ctrl_cost_weight=C (non-negative numbers)", (key, value) => key switch
        {
            "reward" => TaskOptions.TryRewardKind(value, out speed),
            "healthy_reward" => TaskOptions.TryWeight(value, out healthy),
            "ctrl_cost_weight" => TaskOptions.TryWeight(value, out control),
            _ => false,
        });
        return new Ant(speed, healthy, control);
    }

    public bool IsHealthy
    {
        get
        {
            foreach (double value in Simulation.Qpos) if (!double.IsFinite(value)) return false;
            foreach (double value in Simulation.Qvel) if (!double.IsFinite(value)) return false;
            double z = Simulation.Qpos[2];
            return z >= MinHealthyZ && z <= MaxHealthyZ;
        }
    }

    // Gymnasium reads the torso's body position (xpos), which mj_step leaves at the start of its last substep.
    protected override double PositionX() => Simulation.Xpos[3 * _torso];

    protected override double VelocityNoise() => Gaussian();

    protected override (RewardTerms, bool) Score(double xVelocity, double squaredAction)
    {
        // The free joint's first two velocities are the torso's, in world coordinates.
        double forward = SpeedReward ? Math.Sqrt(Simulation.Qvel[0] * Simulation.Qvel[0] + Simulation.Qvel[1] * Simulation.Qvel[1]) : xVelocity;
        return (new RewardTerms(xVelocity, forward, HealthyReward, ControlCostWeight * squaredAction, 0), !IsHealthy);
    }

    protected override void WriteObservation(Span<float> observation)
    {
        int offset = Put(observation, 0, Simulation.Qpos[2..]);
        Put(observation, offset, Simulation.Qvel);
    }
}
