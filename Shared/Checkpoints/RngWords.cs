using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Checkpoints;

/// <summary>An <see cref="RngState"/> as five 64-bit words (the spare normal by its bits), for checkpoints.</summary>
public static class RngWords
{
    public static long[] From(RngState state) =>
        [(long)state.S0, (long)state.S1, (long)state.S2, (long)state.S3, BitConverter.DoubleToInt64Bits(state.SpareGaussian)];

    public static RngState Read(SafetensorsFile file, string name)
    {
        long[] words = new long[5];
        file.ReadInt64(name, words);
        return new RngState((ulong)words[0], (ulong)words[1], (ulong)words[2], (ulong)words[3], BitConverter.Int64BitsToDouble(words[4]));
    }
}
