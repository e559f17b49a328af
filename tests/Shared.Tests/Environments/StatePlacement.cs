using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

/// <summary>
/// Puts a task whose first two state words are its whole physical state (a point mass's x and y, the pendulum's angle
/// and angular velocity) at chosen values, through its saved state.
/// </summary>
internal static class StatePlacement
{
    public static T At<T>(double first, double second) where T : IEnvironment, new()
    {
        var env = new T();
        env.Reset(1, new float[env.ObservationSpace.Dimension]);
        var state = new long[env.StateLength];
        env.SaveState(state);
        state[0] = StateWords.FromDouble(first);
        state[1] = StateWords.FromDouble(second);
        env.RestoreState(state);
        return env;
    }
}
