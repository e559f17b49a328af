namespace SoftQDistributed.Shared.Replay;

/// <summary>A run of consecutive slots' rows, field by field: the unit snapshots are written and read in.</summary>
public sealed class ChunkRows
{
    public ChunkRows(int capacity, int obsDim, int actDim)
    {
        Observations = new float[capacity * obsDim];
        Actions = new float[capacity * actDim];
        Rewards = new float[capacity];
        NextObservations = new float[capacity * obsDim];
        Terminals = new float[capacity];
    }

    /// <summary>Rows in use.</summary>
    public int Rows { get; set; }

    public float[] Observations { get; }
    public float[] Actions { get; }
    public float[] Rewards { get; }
    public float[] NextObservations { get; }
    public float[] Terminals { get; }

    internal void CopyFrom(ReplayStore store, int firstSlot, int rows)
    {
        int o = store.ObsDim, a = store.ActDim;
        store.ObservationStorage.Slice(firstSlot * o, rows * o).CopyTo(Observations);
        store.ActionStorage.Slice(firstSlot * a, rows * a).CopyTo(Actions);
        store.RewardStorage.Slice(firstSlot, rows).CopyTo(Rewards);
        store.NextObservationStorage.Slice(firstSlot * o, rows * o).CopyTo(NextObservations);
        store.TerminalStorage.Slice(firstSlot, rows).CopyTo(Terminals);
        Rows = rows;
    }
}
