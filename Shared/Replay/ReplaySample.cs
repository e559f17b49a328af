namespace SoftQDistributed.Shared.Replay;

/// <summary>A preallocated sample: the transitions, their keys, and importance weights (1 when uniform).</summary>
public sealed class ReplaySample
{
    public ReplaySample(int capacity, int obsDim, int actDim)
    {
        Batch = new TransitionBatch(capacity, obsDim, actDim);
        Keys = new long[capacity];
        Weights = new float[capacity];
    }

    public TransitionBatch Batch { get; }

    /// <summary>Key of each row, for priority updates.</summary>
    public long[] Keys { get; }

    /// <summary>Importance weights (N·P(i))^-β normalised by the batch maximum; all 1 for uniform sampling.</summary>
    public float[] Weights { get; }

    /// <summary>Rows held by the table when this sample was drawn.</summary>
    public int TableSize { get; set; }

    public int Count => Batch.Count;
}
