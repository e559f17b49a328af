using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

/// <summary>Puts a point-mass task (MultiGoal, TwoRoutes) at a chosen position through its saved state, whose first two words are x and y.</summary>
internal static class PointMassPlacement
{
    public static T At<T>(float x, float y) where T : IEnvironment, new()
    {
        var env = new T();
        env.Reset(1, new float[2]);
        var state = new long[env.StateLength];
        env.SaveState(state);
        state[0] = StateWords.FromDouble(x);
        state[1] = StateWords.FromDouble(y);
        env.RestoreState(state);
        return env;
    }
}
