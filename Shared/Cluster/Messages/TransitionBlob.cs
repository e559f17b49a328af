using System.Runtime.InteropServices;
using MessagePack;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>
/// Transitions on the wire: their shape and one little-endian float32 blob holding, field after field, the
/// observations [rows × obs], actions [rows × act], rewards [rows], next observations [rows × obs] and terminals
/// [rows]. One binary blob instead of MessagePack arrays: a float array costs 5 bytes a value and is far slower.
/// </summary>
[MessagePackObject]
public sealed class TransitionBlob
{
    [Key(0)] public int Count { get; set; }
    [Key(1)] public int ObsDim { get; set; }
    [Key(2)] public int ActDim { get; set; }
    /// <summary>The rows' floats; decoded, a slice of the received frame (<see cref="BorrowedBytesFormatter"/>).</summary>
    [Key(3)]
    [MessagePackFormatter(typeof(BorrowedBytesFormatter))]
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>Floats one row takes.</summary>
    public static int RowFloats(int obsDim, int actDim) => 2 * obsDim + actDim + 2;

    /// <summary>Encodes the first <c>batch.Count</c> rows of <paramref name="batch"/>.</summary>
    public static TransitionBlob From(TransitionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the wire format is little-endian");
        int n = batch.Count, o = batch.ObsDim, a = batch.ActDim;
        var data = new byte[n * RowFloats(o, a) * sizeof(float)];
        Span<float> into = MemoryMarshal.Cast<byte, float>(data.AsSpan());
        batch.Observations.AsSpan(0, n * o).CopyTo(into);
        batch.Actions.AsSpan(0, n * a).CopyTo(into[(n * o)..]);
        batch.Rewards.AsSpan(0, n).CopyTo(into[(n * (o + a))..]);
        batch.NextObservations.AsSpan(0, n * o).CopyTo(into[(n * (o + a + 1))..]);
        batch.Terminals.AsSpan(0, n).CopyTo(into[(n * (2 * o + a + 1))..]);
        return new TransitionBlob { Count = n, ObsDim = o, ActDim = a, Data = data };
    }

    /// <summary>Copies the rows into <paramref name="batch"/> from row 0 and sets its count; the shapes must match.</summary>
    public void CopyTo(TransitionBatch batch) => CopyTo(batch, 0, Count);

    /// <summary>Copies rows [first, first + count) into <paramref name="batch"/> from row 0 and sets its count to <paramref name="count"/>.</summary>
    public void CopyTo(TransitionBatch batch, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.ObsDim != ObsDim || batch.ActDim != ActDim || batch.Capacity < count)
            throw new ArgumentException($"{count} rows of (obs {ObsDim}, act {ActDim}) do not fit a batch of {batch.Capacity} rows of (obs {batch.ObsDim}, act {batch.ActDim})");
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count - first);
        int n = Count, o = ObsDim, a = ActDim;
        ReadOnlySpan<float> from = MemoryMarshal.Cast<byte, float>(Data.Span);
        from.Slice(first * o, count * o).CopyTo(batch.Observations);
        from.Slice(n * o + first * a, count * a).CopyTo(batch.Actions);
        from.Slice(n * (o + a) + first, count).CopyTo(batch.Rewards);
        from.Slice(n * (o + a + 1) + first * o, count * o).CopyTo(batch.NextObservations);
        from.Slice(n * (2 * o + a + 1) + first, count).CopyTo(batch.Terminals);
        batch.Count = count;
    }

    /// <summary>Null when the blob is whole, finite and its terminals are 0 or 1; otherwise why not.</summary>
    public string? Invalid()
    {
        if (Count < 1 || ObsDim < 1 || ActDim < 1) return "bad_shape";
        if ((long)Count * RowFloats(ObsDim, ActDim) * sizeof(float) != Data.Length) return "truncated";
        ReadOnlySpan<float> values = MemoryMarshal.Cast<byte, float>(Data.Span);
        if (!VectorOps.AllFinite(values)) return "non_finite";
        foreach (float t in values[^Count..])
            if (t is not (0f or 1f)) return "bad_terminal";
        return null;
    }
}
