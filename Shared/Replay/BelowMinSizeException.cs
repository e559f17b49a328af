namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// A sample waited for the table to hold <see cref="ReplayTableSettings.MinSizeToSample"/> rows and was cancelled
/// (usually by its deadline) first.
/// </summary>
public sealed class BelowMinSizeException(int minSize, int size, TimeSpan waited, CancellationToken token)
    : OperationCanceledException($"sample waited {waited.TotalSeconds:0.###} s and was stopped first; held by min_size_to_sample {minSize}: the table holds {size}", token)
{
    public int MinSize { get; } = minSize;
    public int Size { get; } = size;
    public TimeSpan Waited { get; } = waited;
}
