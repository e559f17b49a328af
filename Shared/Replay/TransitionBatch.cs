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
}
