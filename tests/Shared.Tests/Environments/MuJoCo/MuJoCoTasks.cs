using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Environments.MuJoCo;
using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Tests.Environments.MuJoCo;

/// <summary>Helpers shared by the MuJoCo task tests: building a raw task and placing it in a chosen state.</summary>
internal static class MuJoCoTasks
{
    public static MuJoCoEnvironment Raw(string name) => (MuJoCoEnvironment)EnvironmentRegistry.Default.Get(name).CreateRaw();

    /// <summary>Resets with <paramref name="seed"/>, then overwrites qpos[index] with <paramref name="value"/> through the state snapshot.</summary>
    public static MuJoCoEnvironment PlacedWith(string name, int qposIndex, double value, ulong seed = 1)
    {
        MuJoCoEnvironment env = Raw(name);
        env.Reset(seed, new float[env.ObservationSpace.Dimension]);
        var state = new long[env.StateLength];
        env.SaveState(state);
        state[qposIndex] = StateWords.FromDouble(value); // qpos comes first in the snapshot
        env.RestoreState(state);
        return env;
    }

    public static float[] RandomAction(Rng rng, int dimension)
    {
        var action = new float[dimension];
        rng.FillUniform(action, -1f, 1f);
        return action;
    }
}
