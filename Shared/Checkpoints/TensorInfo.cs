namespace SoftQDistributed.Shared.Checkpoints;

/// <summary>One tensor's header entry: element type, row-major shape, and its byte range in the data region.</summary>
public sealed record TensorInfo(string Name, TensorDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Product of the shape (1 for a scalar, whose shape is empty); <see cref="OverflowException"/> past 2^63.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long dimension in Shape) count = checked(count * dimension);
            return count;
        }
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
