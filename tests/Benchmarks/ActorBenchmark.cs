using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SoftQDistributed.Shared.Acting;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Benchmarks;

/// <summary>
/// <c>actor</c>: environment steps per second of one actor node's rollout on one thread: E environments in
/// lockstep, one batched sampling-network forward per step with fresh noise per environment (<see cref="ActorWorker"/>).
/// </summary>
internal static class ActorBenchmark
{
    public static Command Command()
    {
        var env = new Option<string>("--env") { DefaultValueFactory = _ => "multigoal", Description = "environment" };
        var envs = new Option<int>("--envs") { DefaultValueFactory = _ => 1, Description = "environments stepped in lockstep (E)" };
        var hidden = new Option<int>("--hidden") { DefaultValueFactory = _ => 128, Description = "width of both hidden layers" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 200_000, Description = "timed environment steps (total over the E environments)" };
        var warmup = new Option<double>("--warmup-seconds") { DefaultValueFactory = _ => 2.0, Description = "untimed stepping first (lets tiered compilation settle)" };
        var backend = new Option<string>("--backend") { DefaultValueFactory = _ => "managed", Description = "openblas | managed | auto" };
        var command = new Command("actor", "env steps per second of an actor's rollout (batched policy forward + environments), one thread")
            { env, envs, hidden, steps, warmup, backend };
        command.SetAction(parse => Run(parse.GetValue(env)!, parse.GetValue(envs), parse.GetValue(hidden), parse.GetValue(steps),
            parse.GetValue(warmup), parse.GetValue(backend)!));
        return command;
    }

    private static int Run(string envName, int envCount, int hidden, int envSteps, double warmupSeconds, string backendName)
    {
        IGemm gemm = GemmFactory.Create(GemmFactory.Parse(backendName), 1, Console.WriteLine);
        IEnvironment probe = EnvironmentRegistry.Default.Make(envName);
        int obs = probe.ObservationSpace.Dimension, act = probe.ActionSpace.Dimension;
        var shape = new MlpShape(obs, act, [hidden, hidden], act, TanhOutput: true);
        var worker = new ActorWorker(envName, envCount, shape, 7);
        var policy = new Mlp(shape);
        new Rng(3).FillUniform(policy.Parameters, -0.1f, 0.1f);
        worker.SyncPolicy(policy);
        var finished = new List<(float Return, int Length)>(1 << 16);

        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < warmupSeconds)
        {
            for (int i = 0; i < 100; i++)
            {
                worker.Step(gemm);
                worker.TakeFinished(finished);
                finished.Clear();
            }
        }

        int iterations = Math.Max(1, envSteps / envCount);
        var clock = new Stopwatch(); // created before the allocation count starts
        finished.Clear();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        clock.Start();
        for (int i = 0; i < iterations; i++)
        {
            worker.Step(gemm);
            worker.TakeFinished(finished); // every step, as the node does
            finished.Clear();
        }
        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        double seconds = clock.Elapsed.TotalSeconds;
        long total = (long)iterations * envCount;
        double perSecond = total / seconds;
        Console.WriteLine($"{envName}, E {envCount}, hidden {hidden}x{hidden}, {gemm.Name}: {perSecond:N0} env steps/s, " +
            $"{iterations / seconds:N0} batched steps/s, {seconds * 1e9 / total:F1} ns/env step, {(double)allocated / iterations:F1} bytes allocated/step");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "actor",
            ["env"] = envName,
            ["envs"] = envCount,
            ["hidden"] = hidden,
            ["backend"] = gemm.Name,
            ["env_steps_per_second"] = Math.Round(perSecond, 0),
            ["batched_steps_per_second"] = Math.Round(iterations / seconds, 1),
            ["allocated_bytes_per_step"] = Math.Round((double)allocated / iterations, 2),
            ["env_steps"] = total,
            ["seconds"] = Math.Round(seconds, 3),
        }));
        return 0;
    }
}
