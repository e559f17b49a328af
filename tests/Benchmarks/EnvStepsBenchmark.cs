using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SoftQDistributed.Shared.Acting;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Environments.MuJoCo;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Benchmarks;

/// <summary>
/// <c>env-steps</c>: environment steps per second on one core for each task, the physics alone (uniform random
/// actions) and inside an actor's rollout with the batched sampling-network forward at E = 1 and E = 64
/// (<see cref="ActorWorker"/>). Where the policy's share is small, more actor nodes buy more samples per second.
/// </summary>
internal static class EnvStepsBenchmark
{
    public static Command Command()
    {
        var envs = new Option<string>("--envs") { DefaultValueFactory = _ => string.Join(",", LocomotionTasks.Names), Description = "comma-separated tasks" };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 2.0, Description = "timed seconds per measurement" };
        var warmup = new Option<double>("--warmup-seconds") { DefaultValueFactory = _ => 0.5, Description = "untimed stepping before each measurement" };
        var hidden = new Option<int>("--hidden") { DefaultValueFactory = _ => 128, Description = "width of both hidden layers of the sampling network" };
        var backend = new Option<string>("--backend") { DefaultValueFactory = _ => "managed", Description = "openblas | managed | auto" };
        var command = new Command("env-steps", "env steps/s per core of each task: physics alone, and with the policy forward at E = 1 and E = 64")
            { envs, seconds, warmup, hidden, backend };
        command.SetAction(parse => Run(parse.GetValue(envs)!.Split(',', StringSplitOptions.RemoveEmptyEntries), parse.GetValue(seconds),
            parse.GetValue(warmup), parse.GetValue(hidden), parse.GetValue(backend)!));
        return command;
    }

    private static int Run(string[] tasks, double seconds, double warmup, int hidden, string backendName)
    {
        IGemm gemm = GemmFactory.Create(GemmFactory.Parse(backendName), 1, Console.WriteLine);
        var lines = new List<string>();
        Console.WriteLine($"{"task",-12} {"obs",4} {"act",4} {"physics/s",11} {"E=1 /s",11} {"E=64 /s",11}");
        foreach (string task in tasks)
        {
            IEnvironment probe = EnvironmentRegistry.Default.Make(task);
            double physics = PhysicsAlone(task, seconds, warmup);
            double single = WithPolicy(task, 1, hidden, gemm, seconds, warmup);
            double batched = WithPolicy(task, 64, hidden, gemm, seconds, warmup);
            Console.WriteLine($"{task,-12} {probe.ObservationDim,4} {probe.ActionDim,4} {physics,11:N0} {single,11:N0} {batched,11:N0}");
            lines.Add(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["benchmark"] = "env-steps",
                ["env"] = task,
                ["observation_dim"] = probe.ObservationDim,
                ["action_dim"] = probe.ActionDim,
                ["hidden"] = hidden,
                ["backend"] = gemm.Name,
                ["physics_steps_per_second"] = Math.Round(physics, 0),
                ["with_policy_e1_steps_per_second"] = Math.Round(single, 0),
                ["with_policy_e64_steps_per_second"] = Math.Round(batched, 0),
            }));
        }
        foreach (string line in lines) Console.WriteLine(line);
        return 0;
    }

    /// <summary>
    /// One agent-facing environment on this thread, stepped with uniform random actions, reset when an episode ends.
    /// Jittery random actions make more contacts than an untrained network's smooth ones, so the physics can be the
    /// slower of the two columns: the columns compare orders of magnitude, not exact shares.
    /// </summary>
    private static double PhysicsAlone(string task, double seconds, double warmup)
    {
        IEnvironment env = EnvironmentRegistry.Default.Make(task);
        var observation = new float[env.ObservationDim];
        var actions = new float[1024 * env.ActionDim];
        new Rng(5).FillUniform(actions, -1f, 1f);
        env.Reset(5, observation);
        long step = 0;
        void Batch()
        {
            for (int i = 0; i < 100; i++, step++)
            {
                var action = actions.AsSpan((int)(step % 1024) * env.ActionDim, env.ActionDim);
                if (env.Step(action, observation).Finished) env.Reset(observation);
            }
        }
        return Timed(Batch, 100, seconds, warmup);
    }

    /// <summary>E environments in lockstep behind one batched forward of a random sampling network, as an actor runs them.</summary>
    private static double WithPolicy(string task, int envCount, int hidden, IGemm gemm, double seconds, double warmup)
    {
        IEnvironment probe = EnvironmentRegistry.Default.Make(task);
        var shape = new MlpShape(probe.ObservationDim, probe.ActionDim, [hidden, hidden], probe.ActionDim, TanhOutput: true);
        var worker = new ActorWorker(task, envCount, shape, 7);
        var policy = new Mlp(shape);
        new Rng(3).FillUniform(policy.Parameters, -0.1f, 0.1f);
        worker.SyncPolicy(policy);
        var finished = new List<(float Return, int Length)>(1 << 12);
        void Batch()
        {
            worker.Step(gemm);
            worker.TakeFinished(finished);
            finished.Clear();
        }
        return Timed(Batch, envCount, seconds, warmup);
    }

    /// <summary>Steps per second of <paramref name="batch"/> (worth <paramref name="stepsPerBatch"/> env steps) over <paramref name="seconds"/>.</summary>
    private static double Timed(Action batch, int stepsPerBatch, double seconds, double warmup)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < warmup) batch();
        long batches = 0;
        clock.Restart();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            batch();
            batches++;
        }
        return batches * stepsPerBatch / clock.Elapsed.TotalSeconds;
    }
}
