using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Environments.MuJoCo;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Shared.Plots;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// For a MuJoCo task, one evaluation episode of the sampling network drawn as trajectories, without a display:
/// the root's x position over time (how far and how steadily it moves; also y for the Ant and the Humanoid, which move
/// in the plane) and the actuated joint angles over time (the gait). In all six models the actuated hinges are the
/// last <c>nu</c> entries of qpos.
/// </summary>
public static class LocomotionPlots
{
    /// <summary>Joint angles drawn at most (the chart's palette has six colours).</summary>
    public const int MaxJoints = 6;

    public static bool Applies(string env) => LocomotionTasks.Contains(env);

    public static IReadOnlyList<string> Write(string directory, string env, Mlp policy, IGemm gemm, ulong seed)
    {
        IEnvironment environment = EnvironmentRegistry.Default.Make(env);
        var task = (MuJoCoEnvironment)((RescaledActions)((TimeLimit)environment).Inner).Inner;
        MjSimulation sim = task.Simulation;
        int joints = Math.Min(sim.Nu, MaxJoints);
        bool freeRoot = sim.Nq == sim.Nv + 1; // a free joint's quaternion: qpos[0..2] is the root's x, y, z
        var workspace = new MlpWorkspace(policy.Shape, 1);
        var rng = new Rng(seed);
        float[] observation = new float[environment.ObservationDim], noise = new float[environment.ActionDim];
        var time = new List<double>();
        var x = new List<double>();
        var y = new List<double>();
        var angles = Enumerable.Range(0, joints).Select(_ => new List<double>()).ToArray();
        void Record()
        {
            time.Add(time.Count * task.Dt);
            x.Add(sim.Qpos[0]);
            if (freeRoot) y.Add(sim.Qpos[1]);
            for (int j = 0; j < joints; j++) angles[j].Add(sim.Qpos[sim.Nq - sim.Nu + j]);
        }

        environment.Reset(rng.NextUInt64(), observation);
        Record();
        double total = 0;
        while (true)
        {
            rng.FillGaussian(noise);
            StepResult step = environment.Step(workspace.Forward(gemm, policy, observation, noise, 1, 1), observation);
            total += step.Reward;
            Record();
            if (step.Finished) break;
        }

        double[] t = [.. time];
        string title = $"{env}: one evaluation episode ({time.Count - 1} steps, return {total:F0})";
        string xFile = Path.Combine(directory, "episode_x.svg");
        List<LineSeries> position = [new LineSeries("x", t, [.. x])];
        if (freeRoot) position.Add(new LineSeries("y", t, [.. y]));
        new LineChart(title, "time (s)", freeRoot ? "root position" : "root x position", position).Save(xFile);
        string jointFile = Path.Combine(directory, "episode_joints.svg");
        var series = Enumerable.Range(0, joints).Select(j => new LineSeries($"actuated joint {j}", t, [.. angles[j]])).ToList();
        new LineChart(title, "time (s)", "joint angle (rad)", series).Save(jointFile);
        return [xFile, jointFile];
    }
}
