using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace SoftQDistributed.Shared.Replay;

/// <summary>CRC-32C (Castagnoli), with the SSE4.2 instruction where there is one: checksums for snapshots, checkpoints and content.</summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78; // reflected
    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues a running CRC (start from 0) over more bytes.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        if (Sse42.X64.IsSupported)
        {
            ulong wide = crc;
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
            foreach (ulong word in words) wide = Sse42.X64.Crc32(wide, word);
            crc = (uint)wide;
            data = data[(words.Length * sizeof(ulong))..];
        }
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    public static uint Append(uint crc, ReadOnlySpan<float> data) => Append(crc, MemoryMarshal.AsBytes(data));

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
