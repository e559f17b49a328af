namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// A point-in-time image of a <see cref="ReplayTable"/>, read chunk by chunk while the table keeps serving.
/// Copy-on-write: before an insert overwrites a chunk not yet read, the table copies that chunk here, so the
/// image stays exact and the extra memory is only what is overwritten during the snapshot.
/// </summary>
public sealed class TableCapture : IDisposable
{
    private readonly ReplayTable _table;
    private readonly double[]? _priorityLeaves;
    private readonly bool[] _pending;
    private readonly ChunkRows?[] _copies;
    private readonly ChunkRows _scratch;
    private int _disposed;

    internal TableCapture(ReplayTable table, TableCaptureHeader header, double[]? priorityLeaves, int chunkRows)
    {
        if (chunkRows <= 0) throw new ArgumentOutOfRangeException(nameof(chunkRows), chunkRows, "must be positive");
        _table = table;
        Header = header;
        _priorityLeaves = priorityLeaves;
        ChunkRowCount = chunkRows;
        ChunkCount = (header.Count + chunkRows - 1) / chunkRows;
        _pending = new bool[ChunkCount];
        Array.Fill(_pending, true);
        _copies = new ChunkRows?[ChunkCount];
        _scratch = new ChunkRows(chunkRows, header.ObsDim, header.ActDim);
    }

    public TableCaptureHeader Header { get; }

    /// <summary>Leaf priorities slot by slot, or empty for a uniform table.</summary>
    public ReadOnlySpan<double> PriorityLeaves => _priorityLeaves;

    public int ChunkRowCount { get; }

    public int ChunkCount { get; }

    /// <summary>
    /// Rows of chunk <paramref name="chunk"/> as they were at capture. The returned buffer is reused by the next
    /// call, so write it out before asking for the next chunk.
    /// </summary>
    public ChunkRows ReadChunk(int chunk)
    {
        if ((uint)chunk >= (uint)ChunkCount) throw new ArgumentOutOfRangeException(nameof(chunk), chunk, $"must be in [0, {ChunkCount})");
        lock (_table.Gate)
        {
            if (_copies[chunk] is { } copy)
            {
                _copies[chunk] = null; // hand it over; it is not needed again
                return copy;
            }
            _pending[chunk] = false;
            int first = chunk * ChunkRowCount;
            _scratch.CopyFrom(_table.Store, first, Math.Min(ChunkRowCount, Header.Count - first));
            return _scratch;
        }
    }

    /// <summary>Called under the table's lock before <paramref name="rows"/> rows are written from <paramref name="firstSlot"/>.</summary>
    internal void BeforeOverwrite(int firstSlot, int rows)
    {
        int capacity = Header.Capacity;
        int span = Math.Min(rows, capacity);
        int end = firstSlot + span;
        CopyPending(firstSlot, Math.Min(end, capacity));
        if (end > capacity) CopyPending(0, end - capacity); // the write wraps round the ring
    }

    private void CopyPending(int fromSlot, int toSlot)
    {
        int lastChunk = Math.Min((toSlot - 1) / ChunkRowCount, ChunkCount - 1);
        for (int chunk = fromSlot / ChunkRowCount; chunk <= lastChunk; chunk++)
        {
            if (!_pending[chunk]) continue;
            _pending[chunk] = false;
            int first = chunk * ChunkRowCount;
            var copy = new ChunkRows(ChunkRowCount, Header.ObsDim, Header.ActDim);
            copy.CopyFrom(_table.Store, first, Math.Min(ChunkRowCount, Header.Count - first));
            _copies[chunk] = copy;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _table.EndCapture(this);
    }
}
