using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Environments;

/// <summary>The state words of the 2-D point-mass tasks (MultiGoal, TwoRoutes): the position, then the generator.</summary>
internal static class PointMassWords
{
    public const int Length = 2 + StateWords.RngLength;

    public static void Write(Span<long> state, float x, float y, Rng rng, string name)
    {
        StateWords.CheckLength(state.Length, Length, name);
        state[0] = StateWords.FromDouble(x);
        state[1] = StateWords.FromDouble(y);
        StateWords.WriteRng(state[2..], rng);
    }

    /// <summary>Restores <paramref name="rng"/> and returns the position.</summary>
    public static (float X, float Y) Read(ReadOnlySpan<long> state, Rng rng, string name)
    {
        StateWords.CheckLength(state.Length, Length, name);
        StateWords.ReadRng(state[2..], rng);
        return ((float)StateWords.ToDouble(state[0]), (float)StateWords.ToDouble(state[1]));
    }
}
