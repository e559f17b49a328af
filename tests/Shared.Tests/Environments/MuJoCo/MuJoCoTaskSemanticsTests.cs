using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Environments.MuJoCo;
using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Tests.Environments.MuJoCo;

/// <summary>Observation layouts, reward decomposition and termination rules of the Gymnasium v4 tasks.</summary>
public sealed class MuJoCoTaskSemanticsTests
{
    [MuJoCoTheory]
    [InlineData("swimmer", 8, 2, 1.0, 0.04)]
    [InlineData("hopper", 11, 3, 1.0, 0.008)]
    [InlineData("halfcheetah", 17, 6, 1.0, 0.05)]
    [InlineData("walker2d", 17, 6, 1.0, 0.008)]
    [InlineData("ant", 27, 8, 1.0, 0.05)]
    [InlineData("humanoid", 376, 17, 0.4, 0.015)]
    public void Spaces_and_step_length_are_gymnasiums(string name, int observationDim, int actionDim, float actionBound, double dt)
    {
        using MuJoCoEnvironment env = MuJoCoTasks.Raw(name);
        Assert.Equal(observationDim, env.ObservationSpace.Dimension);
        Assert.Equal(actionDim, env.ActionSpace.Dimension);
        Assert.All(env.ActionSpace.High.ToArray(), high => Assert.Equal(actionBound, high));
        Assert.All(env.ActionSpace.Low.ToArray(), low => Assert.Equal(-actionBound, low));
        Assert.Equal(dt, env.Dt, 1e-12);
        Assert.Equal(1000, env.MaxEpisodeSteps);
    }

    [MuJoCoTheory]
    [InlineData("swimmer", 2, 1.0, 1e-4, 0.0)]
    [InlineData("hopper", 1, 1.0, 1e-3, 1.0)]
    [InlineData("hopper:healthy_reward=0.5,ctrl_cost_weight=0.01", 1, 1.0, 0.01, 0.5)]
    [InlineData("hopper:ctrl_cost_weight=0", 1, 1.0, 0.0, 1.0)]
    [InlineData("halfcheetah", 1, 1.0, 0.1, 0.0)]
    [InlineData("walker2d", 1, 1.0, 1e-3, 1.0)]
    public void Reward_is_forward_velocity_of_qpos0_plus_healthy_minus_control(string name, int skipped, double forwardWeight,
        double controlWeight, double healthy)
    {
        using MuJoCoEnvironment env = MuJoCoTasks.Raw(name);
        var observation = new float[env.ObservationSpace.Dimension];
        env.Reset(3, observation);
        float[] action = MuJoCoTasks.RandomAction(new Rng(4), env.ActionSpace.Dimension);
        double xBefore = env.Simulation.Qpos[0];

        StepResult result = env.Step(action, observation);

        double xVelocity = (env.Simulation.Qpos[0] - xBefore) / env.Dt;
        double control = controlWeight * action.Sum(a => (double)a * a);
        Assert.Equal(xVelocity, env.LastTerms.XVelocity, 1e-12);
        Assert.Equal(control, env.LastTerms.Control, 1e-12);
        Assert.Equal((float)(forwardWeight * xVelocity + healthy - control), result.Reward, 1e-5f);
        // The observation leaves out the first `skipped` positions and continues with the velocities.
        Assert.Equal((float)env.Simulation.Qpos[skipped], observation[0]);
        Assert.Equal((float)Math.Clamp(env.Simulation.Qvel[0], -10, 10), observation[env.Simulation.Nq - skipped]);
    }

    [MuJoCoTheory]
    [InlineData("ant", 1.0, 0.5)]
    [InlineData("ant:healthy_reward=0.05,ctrl_cost_weight=0.005", 0.05, 0.005)]
    [InlineData("ant:reward=forward,ctrl_cost_weight=0", 1.0, 0.0)]
    public void Ant_pays_the_torso_body_velocity(string name, double healthy, double controlWeight)
    {
        using MuJoCoEnvironment env = MuJoCoTasks.Raw(name);
        var observation = new float[27];
        env.Reset(5, observation);
        int torso = env.Simulation.BodyId("torso");
        double xBefore = env.Simulation.Xpos[3 * torso];
        float[] action = MuJoCoTasks.RandomAction(new Rng(6), 8);

        StepResult result = env.Step(action, observation);

        double xVelocity = (env.Simulation.Xpos[3 * torso] - xBefore) / 0.05;
        double control = controlWeight * action.Sum(a => (double)a * a);
        Assert.Equal((float)(xVelocity + healthy - control), result.Reward, 1e-5f);
        Assert.Equal(env.Simulation.Qpos[2..].ToArray().Select(v => (float)v), observation[..13]);
    }

    [MuJoCoTheory]
    [InlineData("ant:reward=speed", 1.0, 0.5)]
    [InlineData("ant:reward=speed,healthy_reward=0.05,ctrl_cost_weight=0.005", 0.05, 0.005)]
    public void The_pretraining_ant_pays_its_speed_in_any_direction(string name, double healthy, double controlWeight)
    {
        using var env = (MuJoCoEnvironment)EnvironmentRegistry.Default.Get(name).CreateRaw();
        var observation = new float[27];
        env.Reset(5, observation);
        int torso = env.Simulation.BodyId("torso");
        double xBefore = env.Simulation.Xpos[3 * torso];
        float[] action = MuJoCoTasks.RandomAction(new Rng(6), 8);

        StepResult result = env.Step(action, observation);

        double speed = Math.Sqrt(env.Simulation.Qvel[0] * env.Simulation.Qvel[0] + env.Simulation.Qvel[1] * env.Simulation.Qvel[1]);
        double control = controlWeight * action.Sum(a => (double)a * a);
        Assert.True(speed > 0);
        Assert.Equal(speed, env.LastTerms.Forward, 1e-12);
        Assert.Equal((env.Simulation.Xpos[3 * torso] - xBefore) / 0.05, env.LastTerms.XVelocity, 1e-12); // still reported, not paid
        Assert.Equal((float)(speed + healthy - control), result.Reward, 1e-5f);
    }

    [MuJoCoFact]
    public void The_pretraining_halfcheetah_pays_its_speed_either_way()
    {
        using MuJoCoEnvironment env = MuJoCoTasks.Raw("halfcheetah:reward=speed");
        var observation = new float[17];
        env.Reset(5, observation);
        int backwards = 0;
        for (int step = 0; step < 40; step++)
        {
            float[] action = MuJoCoTasks.RandomAction(new Rng((ulong)step), 6);
            StepResult result = env.Step(action, observation);
            double control = 0.1 * action.Sum(a => (double)a * a);
            Assert.Equal(Math.Abs(env.LastTerms.XVelocity), env.LastTerms.Forward, 12);
            Assert.Equal((float)(Math.Abs(env.LastTerms.XVelocity) - control), result.Reward, 1e-5f);
            if (env.LastTerms.XVelocity < 0) backwards++;
        }
        Assert.InRange(backwards, 1, 39); // both signs were met, so the absolute value was tested
    }

    [Fact]
    public void The_halfcheetah_takes_only_its_reward_kind()
    {
        var refused = Assert.Throws<UnknownEnvironmentException>(() => EnvironmentRegistry.Default.Get("halfcheetah:reward=fast"));
        Assert.Contains("HalfCheetah takes reward=speed or reward=forward, not 'reward=fast'", refused.Message);
    }

    [Theory]
    [InlineData("ant:reward=sideways", "not 'reward=sideways'")]
    [InlineData("ant:reward=speed,healthy_reward=-0.05", "not 'healthy_reward=-0.05'")]
    [InlineData("ant:ctrl_cost=0.005", "not 'ctrl_cost=0.005'")]
    public void The_ant_takes_only_its_reward_kind_and_two_weights(string name, string expected)
    {
        var refused = Assert.Throws<UnknownEnvironmentException>(() => EnvironmentRegistry.Default.Get(name));
        Assert.Contains("Ant takes reward=speed or reward=forward, healthy_reward=H and ctrl_cost_weight=C", refused.Message);
        Assert.Contains(expected, refused.Message);
    }

    [Theory]
    [InlineData("hopper:healthy=0.5", "not 'healthy=0.5'")]
    [InlineData("hopper:healthy_reward=-1", "not 'healthy_reward=-1'")]
    [InlineData("hopper:ctrl_cost_weight=lots", "not 'ctrl_cost_weight=lots'")]
    public void The_hopper_takes_only_its_two_weights_as_non_negative_numbers(string name, string expected)
    {
        var refused = Assert.Throws<UnknownEnvironmentException>(() => EnvironmentRegistry.Default.Get(name));
        Assert.Contains("healthy_reward=H and ctrl_cost_weight=C", refused.Message);
        Assert.Contains(expected, refused.Message);
    }

    [MuJoCoFact]
    public void Humanoid_pays_the_centre_of_mass_velocity_and_observes_the_body_arrays()
    {
        using MuJoCoEnvironment env = MuJoCoTasks.Raw("humanoid");
        var observation = new float[376];
        env.Reset(7, observation);
        double xBefore = MassCentreX(env.Simulation);
        float[] action = MuJoCoTasks.RandomAction(new Rng(8), 17).Select(a => 0.4f * a).ToArray();

        StepResult result = env.Step(action, observation);

        double xVelocity = (MassCentreX(env.Simulation) - xBefore) / 0.015;
        double control = 0.1 * action.Sum(a => (double)a * a);
        Assert.Equal((float)(1.25 * xVelocity + 5.0 - control), result.Reward, 1e-4f);
        // The last 84 values are cfrc_ext of all 14 bodies; the world body's row is zero.
        Assert.Equal(env.Simulation.CfrcExt.ToArray().Select(v => (float)v), observation[^84..]);
        Assert.All(observation[^84..^78], v => Assert.Equal(0f, v));
    }

    [MuJoCoTheory]
    [InlineData("hopper", 1, 0.6)]      // torso below 0.7
    [InlineData("hopper", 2, 0.3)]      // torso tilted beyond 0.2 rad
    [InlineData("walker2d", 1, 2.2)]    // torso above 2.0
    [InlineData("walker2d", 2, -1.2)]   // torso tilted beyond 1 rad
    [InlineData("ant", 2, 1.3)]         // torso above 1.0
    [InlineData("humanoid", 2, 0.9)]    // torso below 1.0
    public void An_unhealthy_state_terminates_the_episode_and_still_pays_the_healthy_reward(string name, int qposIndex, double value)
    {
        using MuJoCoEnvironment env = MuJoCoTasks.PlacedWith(name, qposIndex, value);
        StepResult result = env.Step(new float[env.ActionSpace.Dimension], new float[env.ObservationSpace.Dimension]);
        Assert.True(result.Terminated);
        Assert.False(result.Truncated);
        Assert.True(env.LastTerms.Healthy > 0, "v4 pays the healthy reward on every step while terminate_when_unhealthy is set");
    }

    [MuJoCoTheory]
    [InlineData("hopper")]
    [InlineData("walker2d")]
    [InlineData("ant")]
    [InlineData("humanoid")]
    public void A_fresh_episode_is_healthy(string name)
    {
        using MuJoCoEnvironment env = MuJoCoTasks.Raw(name);
        var observation = new float[env.ObservationSpace.Dimension];
        env.Reset(9, observation);
        Assert.False(env.Step(new float[env.ActionSpace.Dimension], observation).Terminated);
    }

    [MuJoCoFact]
    public void The_time_limit_truncates_after_1000_steps_and_never_terminates_a_task_without_health()
    {
        IEnvironment env = EnvironmentRegistry.Default.Make("halfcheetah");
        var observation = new float[env.ObservationDim];
        env.Reset(11, observation);
        var action = new float[env.ActionDim];
        for (int step = 1; step < 1000; step++) Assert.False(env.Step(action, observation).Finished, $"step {step}");
        StepResult last = env.Step(action, observation);
        Assert.True(last.Truncated);
        Assert.False(last.Terminated);
    }

    private static double MassCentreX(MjSimulation sim)
    {
        double weighted = 0, total = 0;
        for (int b = 0; b < sim.Nbody; b++)
        {
            weighted += sim.BodyMass[b] * sim.Xipos[3 * b];
            total += sim.BodyMass[b];
        }
        return weighted / total;
    }
}
