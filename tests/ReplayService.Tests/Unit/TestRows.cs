using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Unit;

/// <summary>Transitions whose every value encodes the row's id, so a sampled row can be checked field by field.</summary>
internal static class TestRows
{
    public static TransitionBatch Batch(int rows, int obsDim, int actDim, int firstId)
    {
        var batch = new TransitionBatch(rows, obsDim, actDim) { Count = rows };
        for (int r = 0; r < rows; r++) Fill(batch, r, firstId + r);
        return batch;
    }

    public static void Fill(TransitionBatch batch, int row, int id)
    {
        for (int j = 0; j < batch.ObsDim; j++)
        {
            batch.Observations[row * batch.ObsDim + j] = id + j * 1e-3f;
            batch.NextObservations[row * batch.ObsDim + j] = -id - j * 1e-3f;
        }
        for (int j = 0; j < batch.ActDim; j++) batch.Actions[row * batch.ActDim + j] = id * 10 + j;
        batch.Rewards[row] = id * 0.5f;
        batch.Terminals[row] = id % 3 == 0 ? 1f : 0f;
    }

    /// <summary>The id of a row, after checking every field agrees with it.</summary>
    public static int IdOf(TransitionBatch batch, int row)
    {
        int id = (int)MathF.Round(batch.Observations[row * batch.ObsDim]);
        var expected = new TransitionBatch(1, batch.ObsDim, batch.ActDim);
        Fill(expected, 0, id);
        Assert.Equal(expected.Observations, batch.Observations.AsSpan(row * batch.ObsDim, batch.ObsDim).ToArray());
        Assert.Equal(expected.Actions, batch.Actions.AsSpan(row * batch.ActDim, batch.ActDim).ToArray());
        Assert.Equal(expected.Rewards[0], batch.Rewards[row]);
        Assert.Equal(expected.NextObservations, batch.NextObservations.AsSpan(row * batch.ObsDim, batch.ObsDim).ToArray());
        Assert.Equal(expected.Terminals[0], batch.Terminals[row]);
        return id;
    }
}
