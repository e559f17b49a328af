using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Tests.Cluster;

public sealed class TransitionBlobTests
{
    [Fact]
    public void From_then_CopyTo_gives_back_the_rows_in_use_field_by_field()
    {
        TransitionBatch sent = Samples.Batch(rows: 5, capacity: 9);
        TransitionBlob blob = TransitionBlob.From(sent);
        Assert.Equal((5, 2, 2), (blob.Count, blob.ObsDim, blob.ActDim));
        Assert.Equal(5 * TransitionBlob.RowFloats(2, 2) * sizeof(float), blob.Data.Length); // the spare capacity is not sent
        Assert.Null(blob.Invalid());

        var received = new TransitionBatch(16, 2, 2);
        blob.CopyTo(received);
        Assert.Equal(5, received.Count);
        Assert.Equal(sent.Observations[..10], received.Observations[..10]);
        Assert.Equal(sent.Actions[..10], received.Actions[..10]);
        Assert.Equal(sent.Rewards[..5], received.Rewards[..5]);
        Assert.Equal(sent.NextObservations[..10], received.NextObservations[..10]);
        Assert.Equal(sent.Terminals[..5], received.Terminals[..5]);
        Assert.Equal(1f, received.Terminals[4]);
    }

    [Fact]
    public void CopyTo_refuses_a_batch_of_another_shape_or_too_small()
    {
        TransitionBlob blob = Samples.Blob(5);
        Assert.Throws<ArgumentException>(() => blob.CopyTo(new TransitionBatch(16, 3, 2)));
        Assert.Throws<ArgumentException>(() => blob.CopyTo(new TransitionBatch(16, 2, 1)));
        Assert.Throws<ArgumentException>(() => blob.CopyTo(new TransitionBatch(4, 2, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => blob.CopyTo(new TransitionBatch(16, 2, 2), 3, 3)); // past the last row
        Assert.Throws<ArgumentOutOfRangeException>(() => blob.CopyTo(new TransitionBatch(16, 2, 2), -1, 2));
    }

    [Fact]
    public void CopyTo_a_range_gives_back_those_rows_field_by_field()
    {
        TransitionBatch sent = Samples.Batch(rows: 7);
        var received = new TransitionBatch(3, 2, 2);
        TransitionBlob.From(sent).CopyTo(received, 4, 3);
        Assert.Equal(3, received.Count);
        Assert.Equal(sent.Observations[8..14], received.Observations);
        Assert.Equal(sent.Actions[8..14], received.Actions);
        Assert.Equal(sent.Rewards[4..7], received.Rewards);
        Assert.Equal(sent.NextObservations[8..14], received.NextObservations);
        Assert.Equal(sent.Terminals[4..7], received.Terminals);
    }
}
