using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Tests.Environments.MuJoCo;

/// <summary>Seeded determinism, bit-exact save and restore (checkpoint resume), and allocation-free stepping.</summary>
public sealed class MuJoCoTaskStateTests
{
    public static TheoryData<string> Tasks => ["swimmer", "hopper", "halfcheetah", "walker2d", "ant", "humanoid"];

    [MuJoCoTheory]
    [MemberData(nameof(Tasks))]
    public void The_same_seed_gives_the_same_episode_and_another_seed_another(string name)
    {
        float[][] first = Rollout(name, seed: 21, steps: 30);
        float[][] again = Rollout(name, seed: 21, steps: 30);
        float[][] other = Rollout(name, seed: 22, steps: 30);
        Assert.Equal(first, again);
        Assert.NotEqual(first[0], other[0]);
    }

    [MuJoCoTheory]
    [MemberData(nameof(Tasks))]
    public void Restoring_a_saved_state_replays_the_same_steps_bit_for_bit_in_a_new_environment(string name)
    {
        IEnvironment env = EnvironmentRegistry.Default.Make(name);
        var observation = new float[env.ObservationDim];
        env.Reset(31, observation);
        var rng = new Rng(32);
        var actions = Enumerable.Range(0, 60).Select(_ => MuJoCoTasks.RandomAction(rng, env.ActionDim)).ToArray();
        for (int i = 0; i < 20; i++) StepOrReset(env, actions[i], observation);
        var state = new long[env.StateLength];
        env.SaveState(state);

        List<float[]> original = Continue(env, actions[20..]);
        IEnvironment resumed = EnvironmentRegistry.Default.Make(name);
        resumed.RestoreState(state);
        List<float[]> replayed = Continue(resumed, actions[20..]);

        Assert.Equal(original, replayed);
    }

    [MuJoCoTheory]
    [MemberData(nameof(Tasks))]
    public void Stepping_and_resetting_allocate_nothing(string name)
    {
        IEnvironment env = EnvironmentRegistry.Default.Make(name);
        var observation = new float[env.ObservationDim];
        var action = MuJoCoTasks.RandomAction(new Rng(41), env.ActionDim);
        env.Reset(41, observation);
        for (int i = 0; i < 5; i++) StepOrReset(env, action, observation); // warm up the JIT

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) StepOrReset(env, action, observation);
        env.Reset(observation);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static float[][] Rollout(string name, ulong seed, int steps)
    {
        IEnvironment env = EnvironmentRegistry.Default.Make(name);
        var observation = new float[env.ObservationDim];
        env.Reset(seed, observation);
        var rng = new Rng(seed + 100);
        var trace = new List<float[]> { (float[])observation.Clone() };
        for (int i = 0; i < steps; i++)
        {
            StepOrReset(env, MuJoCoTasks.RandomAction(rng, env.ActionDim), observation);
            trace.Add((float[])observation.Clone());
        }
        return [.. trace];
    }

    /// <summary>Observations and rewards (as the last element) of each step; a finished episode is reset from the generator.</summary>
    private static List<float[]> Continue(IEnvironment env, float[][] actions)
    {
        var observation = new float[env.ObservationDim];
        var trace = new List<float[]>();
        foreach (float[] action in actions)
        {
            float reward = StepOrReset(env, action, observation);
            trace.Add([.. observation, reward]);
        }
        return trace;
    }

    private static float StepOrReset(IEnvironment env, float[] action, float[] observation)
    {
        StepResult result = env.Step(action, observation);
        if (result.Finished) env.Reset(observation);
        return result.Reward;
    }
}
