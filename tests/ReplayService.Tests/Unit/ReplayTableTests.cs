using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Unit;

public sealed class ReplayTableTests
{
    private static ReplayTable Table(int capacity = 100, RateLimiterSettings? limiter = null, double? alpha = null) =>
        new(new ReplayTableSettings(3, 2, capacity, limiter ?? new RateLimiterSettings(), alpha, Seed: 42));

    [Fact]
    public async Task A_sample_below_the_minimum_size_waits_then_fails_naming_the_limit()
    {
        var table = Table(limiter: new RateLimiterSettings(MinSizeToSample: 50));
        await table.InsertAsync(TestRows.Batch(10, 3, 2, 0), default, CancellationToken.None);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var ex = await Assert.ThrowsAsync<RateLimitedException>(() =>
            table.SampleAsync(new ReplaySample(8, 3, 2), 8, 0, deadline.Token).AsTask());
        Assert.Contains("min_size_to_sample 50", ex.Message);
        ReplayTableInfo info = table.Info();
        Assert.True(info.SampleBlocked > TimeSpan.Zero);
        Assert.Equal(0, info.SamplesBlockedNow);
        Assert.Equal(0, info.TotalSampled);
    }

    [Fact]
    public async Task A_waiting_sample_proceeds_once_inserts_reach_the_minimum()
    {
        var table = Table(limiter: new RateLimiterSettings(MinSizeToSample: 20));
        var sample = new ReplaySample(4, 3, 2);
        Task waiting = table.SampleAsync(sample, 4, 0, CancellationToken.None).AsTask();
        await table.InsertAsync(TestRows.Batch(10, 3, 2, 0), default, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        await table.InsertAsync(TestRows.Batch(10, 3, 2, 10), default, CancellationToken.None);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(4, sample.Count);
        Assert.Equal(20, sample.TableSize);
    }

    [Fact]
    public async Task Inserts_running_ahead_of_the_ratio_wait_for_samples()
    {
        var table = Table(limiter: new RateLimiterSettings(MinSizeToSample: 1, SamplesPerInsert: 1, ErrorBuffer: 10));
        await table.InsertAsync(TestRows.Batch(12, 3, 2, 0), default, CancellationToken.None); // diff 12 > 1 + 10
        Task<long> held = table.InsertAsync(TestRows.Batch(1, 3, 2, 12), default, CancellationToken.None).AsTask();
        Assert.False(held.IsCompleted);
        Assert.Equal(1, table.Info().InsertsBlockedNow);
        await table.SampleAsync(new ReplaySample(8, 3, 2), 8, 0, CancellationToken.None);
        Assert.Equal(12, await held.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Prioritized_sampling_follows_priorities_and_returns_weights()
    {
        var table = Table(alpha: 1.0);
        await table.InsertAsync(TestRows.Batch(4, 3, 2, 0), new double[] { 1, 1, 1, 7 }, CancellationToken.None);
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
        await table.InsertAsync(TestRows.Batch(3, 3, 2, 0), default, CancellationToken.None);
        Assert.Equal(2, table.UpdatePriorities([0, 2, 99], [0, 0, 5]));
        var sample = new ReplaySample(100, 3, 2);
        await table.SampleAsync(sample, 100, 0.5, CancellationToken.None);
        Assert.All(sample.Keys.Take(sample.Count), k => Assert.Equal(1, k));
    }

    [Fact]
    public async Task A_capture_is_the_content_at_capture_time_even_while_inserts_overwrite_it()
    {
        var table = Table(capacity: 10);
        await table.InsertAsync(TestRows.Batch(10, 3, 2, 0), default, CancellationToken.None);
        using TableCapture capture = table.BeginCapture(chunkRows: 4);
        Assert.Equal(3, capture.ChunkCount);
        var ids = new List<int>();
        ChunkRows first = capture.ReadChunk(0);
        ids.AddRange(Ids(first));
        // Overwrite slots 0..5 (chunk 0 already read, chunk 1 not yet) while the capture is open.
        await table.InsertAsync(TestRows.Batch(6, 3, 2, 100), default, CancellationToken.None);
        ids.AddRange(Ids(capture.ReadChunk(1)));
        ids.AddRange(Ids(capture.ReadChunk(2)));
        Assert.Equal(Enumerable.Range(0, 10), ids);
        Assert.Equal(10, capture.Header.TotalAdded);
    }

    [Fact]
    public async Task A_closed_table_refuses_inserts()
    {
        var table = Table();
        table.Close();
        await Assert.ThrowsAsync<ReplayClosedException>(() => table.InsertAsync(TestRows.Batch(1, 3, 2, 0), default, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Closing_ends_waiting_inserts_and_samples_and_leaves_no_one_counted_as_blocked()
    {
        var table = Table(limiter: new RateLimiterSettings(MinSizeToSample: 1, SamplesPerInsert: 1, ErrorBuffer: 10));
        await table.InsertAsync(TestRows.Batch(12, 3, 2, 0), default, CancellationToken.None);
        Task<long> insert = table.InsertAsync(TestRows.Batch(1, 3, 2, 12), default, CancellationToken.None).AsTask();
        Assert.Equal(1, table.Info().InsertsBlockedNow);
        table.Close();
        await Assert.ThrowsAsync<ReplayClosedException>(() => insert.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, table.Info().InsertsBlockedNow);

        var empty = Table(limiter: new RateLimiterSettings(MinSizeToSample: 5));
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
