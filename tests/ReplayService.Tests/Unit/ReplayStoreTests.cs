using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Unit;

public sealed class ReplayStoreTests
{
    [Fact]
    public void Sampling_never_returns_rows_not_yet_inserted()
    {
        var store = new ReplayStore(3, 2, 100);
        store.AddBatch(TestRows.Batch(10, 3, 2, firstId: 0));
        var sample = new TransitionBatch(64, 3, 2);
        var rng = new Rng(7);
        for (int round = 0; round < 20; round++)
        {
            store.SampleUniform(rng, sample);
            Assert.Equal(64, sample.Count);
            for (int i = 0; i < sample.Count; i++) Assert.InRange(TestRows.IdOf(sample, i), 0, 9);
        }
    }

    [Fact]
    public void At_capacity_the_oldest_rows_are_overwritten_first()
    {
        var store = new ReplayStore(2, 1, 5);
        for (int id = 0; id < 8; id++)
        {
            var one = TestRows.Batch(1, 2, 1, id);
            store.Add(one.Observations, one.Actions, one.Rewards[0], one.NextObservations, one.Terminals[0] == 1f);
        }
        Assert.Equal(5, store.Count);
        Assert.Equal(8, store.TotalAdded);
        Assert.Equal(3, store.OldestKey);
        var seen = new HashSet<int>();
        var sample = new TransitionBatch(200, 2, 1);
        store.SampleUniform(new Rng(3), sample);
        for (int i = 0; i < sample.Count; i++) seen.Add(TestRows.IdOf(sample, i));
        Assert.Equal([3, 4, 5, 6, 7], seen.Order());
    }

    [Fact]
    public void Batch_insert_wraps_round_the_ring_and_keys_map_to_slots()
    {
        var store = new ReplayStore(2, 1, 7);
        store.AddBatch(TestRows.Batch(5, 2, 1, 0));
        long first = store.AddBatch(TestRows.Batch(5, 2, 1, 5));
        Assert.Equal(5, first);
        Assert.Equal(7, store.Count);
        for (long key = 0; key < 10; key++)
        {
            bool held = store.TryGetSlot(key, out int slot);
            Assert.Equal(key >= 3, held);
            if (!held) continue;
            Assert.Equal(key, store.KeyAt(slot));
            var one = new TransitionBatch(1, 2, 1);
            store.Gather([slot], one);
            Assert.Equal((int)key, TestRows.IdOf(one, 0));
        }
    }

    [Fact]
    public void A_batch_larger_than_capacity_keeps_its_newest_rows()
    {
        var store = new ReplayStore(1, 1, 4);
        store.AddBatch(TestRows.Batch(10, 1, 1, 0));
        Assert.Equal(4, store.Count);
        for (long key = 6; key < 10; key++)
        {
            Assert.True(store.TryGetSlot(key, out int slot));
            var one = new TransitionBatch(1, 1, 1);
            store.Gather([slot], one);
            Assert.Equal((int)key, TestRows.IdOf(one, 0));
        }
    }

    [Fact]
    public void Uniform_sampling_covers_rows_evenly()
    {
        var store = new ReplayStore(1, 1, 10);
        store.AddBatch(TestRows.Batch(10, 1, 1, 0));
        var counts = new int[10];
        var sample = new TransitionBatch(1000, 1, 1);
        var rng = new Rng(11);
        for (int round = 0; round < 20; round++)
        {
            store.SampleUniform(rng, sample);
            for (int i = 0; i < sample.Count; i++) counts[(int)sample.Observations[i]]++;
        }
        // 20,000 draws over 10 rows: each expects 2,000 with a standard deviation of 42.
        Assert.All(counts, c => Assert.InRange(c, 1800, 2200));
    }

    [Fact]
    public void Same_seed_gives_the_same_sample()
    {
        var store = new ReplayStore(4, 2, 50);
        store.AddBatch(TestRows.Batch(50, 4, 2, 0));
        var a = new TransitionBatch(32, 4, 2);
        var b = new TransitionBatch(32, 4, 2);
        store.SampleUniform(new Rng(5), a);
        store.SampleUniform(new Rng(5), b);
        Assert.Equal(a.Observations, b.Observations);
    }

    [Fact]
    public void Sampling_allocates_nothing()
    {
        var store = new ReplayStore(17, 6, 1000);
        store.AddBatch(TestRows.Batch(1000, 17, 6, 0));
        var sample = new TransitionBatch(256, 17, 6);
        var rng = new Rng(1);
        store.SampleUniform(rng, sample);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) store.SampleUniform(rng, sample);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Wrong_widths_are_refused_with_the_expected_shape()
    {
        var store = new ReplayStore(3, 2, 10);
        var ex = Assert.Throws<ArgumentException>(() => store.Add(new float[4], new float[2], 0, new float[3], false));
        Assert.Contains("expected 3", ex.Message);
        Assert.Throws<ArgumentException>(() => store.AddBatch(new float[6], new float[4], new float[2], new float[6], new float[1]));
        Assert.Equal(0, store.Count);
        Assert.Throws<InvalidOperationException>(() => store.SampleUniform(new Rng(1), new TransitionBatch(1, 3, 2)));
    }
}
