using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// Packs environment state into 64-bit words bit-exactly (doubles by their bit pattern, not by value), so a
/// snapshot stored as an I64 tensor restores the very same trajectory.
/// </summary>
public static class StateWords
{
    /// <summary>Words taken by one <see cref="Rng"/> state.</summary>
    public const int RngLength = 5;

    public static long FromDouble(double value) => BitConverter.DoubleToInt64Bits(value);

    public static double ToDouble(long word) => BitConverter.Int64BitsToDouble(word);

    public static void WriteRng(Span<long> destination, Rng rng)
    {
        RngState state = rng.State;
        destination[0] = unchecked((long)state.S0);
        destination[1] = unchecked((long)state.S1);
        destination[2] = unchecked((long)state.S2);
        destination[3] = unchecked((long)state.S3);
        destination[4] = FromDouble(state.SpareGaussian);
    }

    public static void ReadRng(ReadOnlySpan<long> source, Rng rng)
    {
        rng.State = new RngState(
            unchecked((ulong)source[0]), unchecked((ulong)source[1]),
            unchecked((ulong)source[2]), unchecked((ulong)source[3]),
            ToDouble(source[4]));
    }

    /// <summary>Throws a clear error when a snapshot does not have the length its reader expects.</summary>
    public static void CheckLength(int actual, int expected, string owner)
    {
        if (actual != expected)
            throw new ArgumentException($"{owner} state has {expected} words, got {actual}");
    }
}
