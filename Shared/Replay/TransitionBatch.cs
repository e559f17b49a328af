namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// A preallocated minibatch of transitions in struct-of-arrays layout: row i of each array belongs to
/// transition i. Samplers fill it in place, so the learner's update loop allocates nothing per step.
/// </summary>
public sealed class TransitionBatch
{
    private int _count;

    public TransitionBatch(int capacity, int obsDim, int actDim)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "batch capacity must be positive");
        if (obsDim <= 0) throw new ArgumentOutOfRangeException(nameof(obsDim), obsDim, "observation width must be positive");
        if (actDim <= 0) throw new ArgumentOutOfRangeException(nameof(actDim), actDim, "action width must be positive");
        Capacity = capacity;
        ObsDim = obsDim;
        ActDim = actDim;
        Observations = new float[capacity * obsDim];
        Actions = new float[capacity * actDim];
        Rewards = new float[capacity];
        NextObservations = new float[capacity * obsDim];
        Terminals = new float[capacity];
    }

    public int Capacity { get; }
    public int ObsDim { get; }
    public int ActDim { get; }

    /// <summary>Rows in use, from the start of each array.</summary>
    public int Count
    {
        get => _count;
        set
        {
            if ((uint)value > (uint)Capacity)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"count must be in [0, {Capacity}]");
            _count = value;
        }
    }

    /// <summary>[Capacity * ObsDim], row-major.</summary>
    public float[] Observations { get; }

    /// <summary>[Capacity * ActDim], row-major.</summary>
    public float[] Actions { get; }

    /// <summary>[Capacity].</summary>
    public float[] Rewards { get; }

    /// <summary>[Capacity * ObsDim], row-major.</summary>
    public float[] NextObservations { get; }

    /// <summary>[Capacity], 1 where the episode ended at this transition (no bootstrap), else 0.</summary>
    public float[] Terminals { get; }

    /// <summary>Copies <paramref name="rows"/> rows of every array from <paramref name="from"/> to <paramref name="to"/> (same widths; may be the same batch).</summary>
    public static void CopyRows(TransitionBatch from, int fromRow, TransitionBatch to, int toRow, int rows)
    {
        int o = from.ObsDim, a = from.ActDim;
        from.Observations.AsSpan(fromRow * o, rows * o).CopyTo(to.Observations.AsSpan(toRow * o));
        from.Actions.AsSpan(fromRow * a, rows * a).CopyTo(to.Actions.AsSpan(toRow * a));
        from.Rewards.AsSpan(fromRow, rows).CopyTo(to.Rewards.AsSpan(toRow));
        from.NextObservations.AsSpan(fromRow * o, rows * o).CopyTo(to.NextObservations.AsSpan(toRow * o));
        from.Terminals.AsSpan(fromRow, rows).CopyTo(to.Terminals.AsSpan(toRow));
    }
}
