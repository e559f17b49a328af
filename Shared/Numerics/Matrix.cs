namespace SoftQDistributed.Shared.Numerics;

/// <summary>
/// A float32 row-major matrix with a fixed row capacity; operations say how many leading rows they use,
/// so one preallocated matrix serves every batch size up to its capacity without allocating.
/// </summary>
public sealed class Matrix
{
    public Matrix(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        Data = new float[rows * columns];
    }

    public int Rows { get; }

    public int Columns { get; }

    public float[] Data { get; }

    public ref float this[int row, int column] => ref Data[row * Columns + column];

    public Span<float> Row(int row) => Data.AsSpan(row * Columns, Columns);

    /// <summary>The first <paramref name="rows"/> rows as one span.</summary>
    public Span<float> Head(int rows)
    {
        if ((uint)rows > (uint)Rows) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"matrix holds {Rows} rows");
        return Data.AsSpan(0, rows * Columns);
    }
}
