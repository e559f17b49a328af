using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Unit;

public sealed class ReplayTableTests
{
    private static ReplayTable Table(int capacity = 100, int minSize = 1, double? alpha = null) =>
        new(new ReplayTableSettings(3, 2, capacity, minSize, alpha, Seed: 42));

    [Fact]
    public async Task A_sample_below_the_minimum_size_waits_then_fails_naming_the_limit()
    {
        var table = Table(minSize: 50);
        table.Insert(TestRows.Batch(10, 3, 2, 0), default);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var ex = await Assert.ThrowsAsync<BelowMinSizeException>(() =>
            table.SampleAsync(new ReplaySample(8, 3, 2), 8, 0, deadline.Token).AsTask());
        Assert.Contains("min_size_to_sample 50: the table holds 10", ex.Message);
        ReplayTableInfo info = table.Info();
        Assert.True(info.SampleBlocked > TimeSpan.Zero);
        Assert.Equal(0, info.SamplesBlockedNow);
        Assert.Equal(0, info.TotalSampled);
    }

    [Fact]
    public async Task A_waiting_sample_proceeds_once_inserts_reach_the_minimum()
    {
        var table = Table(minSize: 20);
        var sample = new ReplaySample(4, 3, 2);
        Task waiting = table.SampleAsync(sample, 4, 0, CancellationToken.None).AsTask();
        table.Insert(TestRows.Batch(10, 3, 2, 0), default);
        Assert.False(waiting.IsCompleted);
        table.Insert(TestRows.Batch(10, 3, 2, 10), default);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(4, sample.Count);
        Assert.Equal(20, sample.TableSize);
    }

    [Fact]
    public void Inserts_never_wait_however_far_they_run_ahead_of_sampling()
    {
        var table = Table(capacity: 10);
        for (int k = 0; k < 100; k++) Assert.Equal(5L * k, table.Insert(TestRows.Batch(5, 3, 2, 5 * k), default));
        ReplayTableInfo info = table.Info();
        Assert.Equal((10, 500L, 100L, 0L), (info.Size, info.TotalInserted, info.InsertCalls, info.TotalSampled));
    }

    [Fact]
    public async Task Prioritized_sampling_follows_priorities_and_returns_weights()
    {
        var table = Table(alpha: 1.0);
        table.Insert(TestRows.Batch(4, 3, 2, 0), new double[] { 1, 1, 1, 7 });
        var sample = new ReplaySample(1000, 3, 2);
        await table.SampleAsync(sample, 1000, 1.0, CancellationToken.None);
        int heavy = 0;
        for (int i = 0; i < sample.Count; i++)
        {
            int id = TestRows.IdOf(sample.Batch, i);
            Assert.Equal(id, sample.Keys[i]);
            if (id == 3)
            {
                heavy++;
                Assert.Equal(1f / 7f, sample.Weights[i], 5); // (N·P)^-1 normalised by the lightest row's weight
            }
            else Assert.Equal(1f, sample.Weights[i]);
        }
        Assert.InRange(heavy, 650, 750); // P = 0.7
    }

    [Fact]
    public async Task Priority_updates_by_key_change_what_is_drawn()
    {
        var table = Table(alpha: 1.0);
        table.Insert(TestRows.Batch(3, 3, 2, 0), default);
        Assert.Equal(2, table.UpdatePriorities([0, 2, 99], [0, 0, 5]));
        var sample = new ReplaySample(100, 3, 2);
        await table.SampleAsync(sample, 100, 0.5, CancellationToken.None);
        Assert.All(sample.Keys.Take(sample.Count), k => Assert.Equal(1, k));
    }

    [Fact]
    public void A_capture_is_the_content_at_capture_time_even_while_inserts_overwrite_it()
    {
        var table = Table(capacity: 10);
        table.Insert(TestRows.Batch(10, 3, 2, 0), default);
        using TableCapture capture = table.BeginCapture(chunkRows: 4);
        Assert.Equal(3, capture.ChunkCount);
        var ids = new List<int>();
        ChunkRows first = capture.ReadChunk(0);
        ids.AddRange(Ids(first));
        // Overwrite slots 0..5 (chunk 0 already read, chunk 1 not yet) while the capture is open.
        table.Insert(TestRows.Batch(6, 3, 2, 100), default);
        ids.AddRange(Ids(capture.ReadChunk(1)));
        ids.AddRange(Ids(capture.ReadChunk(2)));
        Assert.Equal(Enumerable.Range(0, 10), ids);
        Assert.Equal(10, capture.Header.TotalAdded);
    }

    [Fact]
    public void A_closed_table_refuses_inserts()
    {
        var table = Table();
        table.Close();
        Assert.Throws<ReplayClosedException>(() => table.Insert(TestRows.Batch(1, 3, 2, 0), default));
        Assert.Equal(0, table.Info().TotalInserted);
    }

    [Fact]
    public async Task Closing_ends_waiting_samples_and_leaves_none_counted_as_blocked()
    {
        var empty = Table(minSize: 5);
        Task sample = empty.SampleAsync(new ReplaySample(4, 3, 2), 4, 0, CancellationToken.None).AsTask();
        Assert.Equal(1, empty.Info().SamplesBlockedNow);
        empty.Close();
        await Assert.ThrowsAsync<ReplayClosedException>(() => sample.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, empty.Info().SamplesBlockedNow);
    }

    private static IEnumerable<int> Ids(ChunkRows rows)
    {
        var list = new List<int>();
        for (int r = 0; r < rows.Rows; r++) list.Add((int)MathF.Round(rows.Observations[r * 3]));
        return list;
    }
}
