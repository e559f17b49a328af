using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Snapshots;

/// <summary>
/// The snapshot file: a fixed header (magic, format version, shape, ring position, counters, payload length and
/// CRC-32C, and a CRC of the header itself), then the rows chunk by chunk (float32 little-endian, field by
/// field), then the priority leaves (float64) for prioritized tables.
/// </summary>
public static class SnapshotFormat
{
    public const int Version = 1;
    public const int HeaderSize = 96;
    private static ReadOnlySpan<byte> Magic => "SQREPLAY"u8;

    /// <summary>
    /// Writes a capture to <paramref name="path"/>: to a temporary file first, flushed to disk, then renamed over,
    /// so a crash leaves either the old file set or the complete new one. Returns the bytes written.
    /// </summary>
    public static long Write(string path, TableCapture capture)
    {
        string temp = path + ".tmp";
        long bytes;
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            file.Write(new byte[HeaderSize]); // placeholder until the checksum is known
            uint crc = 0;
            long payload = 0;
            for (int c = 0; c < capture.ChunkCount; c++)
            {
                ChunkRows rows = capture.ReadChunk(c);
                TableCaptureHeader h = capture.Header;
                WriteFloats(file, rows.Observations.AsSpan(0, rows.Rows * h.ObsDim), ref crc, ref payload);
                WriteFloats(file, rows.Actions.AsSpan(0, rows.Rows * h.ActDim), ref crc, ref payload);
                WriteFloats(file, rows.Rewards.AsSpan(0, rows.Rows), ref crc, ref payload);
                WriteFloats(file, rows.NextObservations.AsSpan(0, rows.Rows * h.ObsDim), ref crc, ref payload);
                WriteFloats(file, rows.Terminals.AsSpan(0, rows.Rows), ref crc, ref payload);
            }
            ReadOnlySpan<byte> leaves = MemoryMarshal.AsBytes(capture.PriorityLeaves);
            file.Write(leaves);
            crc = Crc32C.Append(crc, leaves);
            payload += leaves.Length;

            file.Position = 0;
            file.Write(EncodeHeader(capture.Header, capture.ChunkRowCount, !capture.PriorityLeaves.IsEmpty, payload, crc));
            file.Flush(flushToDisk: true);
            bytes = file.Length;
        }
        File.Move(temp, path, overwrite: true);
        return bytes;
    }

    /// <summary>Reads and checks the header; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static SnapshotHeader ReadHeader(Stream stream)
    {
        Span<byte> h = stackalloc byte[HeaderSize];
        if (stream.ReadAtLeast(h, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
            throw new InvalidDataException($"file is shorter than the {HeaderSize}-byte header");
        if (!h[..8].SequenceEqual(Magic)) throw new InvalidDataException("not a replay snapshot (bad magic)");
        uint headerCrc = BinaryPrimitives.ReadUInt32LittleEndian(h[92..]);
        if (Crc32C.Append(0, h[..92]) != headerCrc) throw new InvalidDataException("header checksum mismatch");
        int version = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
        if (version != Version) throw new InvalidDataException($"format version {version} is not the supported {Version}");
        var table = new TableCaptureHeader(
            ObsDim: BinaryPrimitives.ReadInt32LittleEndian(h[12..]),
            ActDim: BinaryPrimitives.ReadInt32LittleEndian(h[16..]),
            Capacity: BinaryPrimitives.ReadInt32LittleEndian(h[20..]),
            Count: BinaryPrimitives.ReadInt32LittleEndian(h[24..]),
            TotalAdded: BinaryPrimitives.ReadInt64LittleEndian(h[32..]),
            TotalSampled: BinaryPrimitives.ReadInt64LittleEndian(h[56..]),
            MaxPriority: BinaryPrimitives.ReadDoubleLittleEndian(h[64..]));
        var header = new SnapshotHeader(table, ChunkRows: BinaryPrimitives.ReadInt32LittleEndian(h[28..]), HasPriorities: h[72] != 0,
            PayloadBytes: BinaryPrimitives.ReadInt64LittleEndian(h[76..]), PayloadCrc: BinaryPrimitives.ReadUInt32LittleEndian(h[84..]));
        if (table.ObsDim <= 0 || table.ActDim <= 0 || table.Capacity <= 0 || table.Count < 0 || table.Count > table.Capacity
            || header.ChunkRows <= 0 || table.TotalAdded < table.Count)
            throw new InvalidDataException("header holds an impossible shape or position");
        long expected = (long)table.Count * (2L * table.ObsDim + table.ActDim + 2) * sizeof(float) + (header.HasPriorities ? (long)table.Capacity * sizeof(double) : 0);
        if (header.PayloadBytes != expected) throw new InvalidDataException($"header says {header.PayloadBytes} payload bytes, its shape needs {expected}");
        return header;
    }

    /// <summary>Checks the whole file (header, length and payload checksum) without loading it.</summary>
    public static SnapshotHeader Verify(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        SnapshotHeader header = ReadHeader(file);
        if (file.Length != HeaderSize + header.PayloadBytes)
            throw new InvalidDataException($"file is {file.Length} bytes, header and payload need {HeaderSize + header.PayloadBytes} (truncated?)");
        byte[] buffer = new byte[1 << 20];
        uint crc = 0;
        int read;
        while ((read = file.Read(buffer)) > 0) crc = Crc32C.Append(crc, buffer.AsSpan(0, read));
        if (crc != header.PayloadCrc) throw new InvalidDataException("payload checksum mismatch (corrupted)");
        return header;
    }

    /// <summary>Loads a verified snapshot into an empty table.</summary>
    public static void Restore(string path, ReplayTable table)
    {
        SnapshotHeader header = Verify(path);
        TableCaptureHeader t = header.Table;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        file.Position = HeaderSize;
        var rows = new ChunkRows(header.ChunkRows, t.ObsDim, t.ActDim);
        int remaining = t.Count;
        double[] leaves = header.HasPriorities ? new double[t.Capacity] : [];
        table.Restore(t, leaves, chunk =>
        {
            if (remaining <= 0) return null;
            int n = Math.Min(header.ChunkRows, remaining);
            ReadFloats(file, rows.Observations.AsSpan(0, n * t.ObsDim));
            ReadFloats(file, rows.Actions.AsSpan(0, n * t.ActDim));
            ReadFloats(file, rows.Rewards.AsSpan(0, n));
            ReadFloats(file, rows.NextObservations.AsSpan(0, n * t.ObsDim));
            ReadFloats(file, rows.Terminals.AsSpan(0, n));
            rows.Rows = n;
            remaining -= n;
            if (remaining == 0 && header.HasPriorities) file.ReadExactly(MemoryMarshal.AsBytes(leaves.AsSpan()));
            return rows;
        });
    }

    private static byte[] EncodeHeader(TableCaptureHeader t, int chunkRows, bool hasPriorities, long payloadBytes, uint payloadCrc)
    {
        var h = new byte[HeaderSize];
        Magic.CopyTo(h);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(8), Version);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(12), t.ObsDim);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(16), t.ActDim);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(20), t.Capacity);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(24), t.Count);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(28), chunkRows);
        BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(32), t.TotalAdded);
        // Bytes 40..55 held the per-shard rate limiter's insert and sample counts: left zero and not read, so the
        // layout and format version stay and snapshots written with a limiter still restore. Zeros rather than the
        // totals (bytes 32 and 56 hold those), so nothing is stored twice.
        BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(56), t.TotalSampled);
        BinaryPrimitives.WriteDoubleLittleEndian(h.AsSpan(64), t.MaxPriority);
        h[72] = hasPriorities ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(76), payloadBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(84), payloadCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(92), Crc32C.Append(0, h.AsSpan(0, 92)));
        return h;
    }

    private static void WriteFloats(Stream file, ReadOnlySpan<float> data, ref uint crc, ref long payload)
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(data);
        file.Write(bytes);
        crc = Crc32C.Append(crc, bytes);
        payload += bytes.Length;
    }

    private static void ReadFloats(Stream file, Span<float> data) => file.ReadExactly(MemoryMarshal.AsBytes(data));
}
