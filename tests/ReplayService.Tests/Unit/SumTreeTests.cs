using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Unit;

public sealed class SumTreeTests
{
    [Fact]
    public void Total_is_the_sum_of_the_leaves_after_updates()
    {
        var tree = new SumTree(5);
        tree[0] = 1; tree[1] = 2; tree[4] = 4;
        tree[1] = 0.5;
        Assert.Equal(5.5, tree.Total, 12);
    }

    [Fact]
    public void Find_walks_the_prefix_sums()
    {
        var tree = new SumTree(4);
        tree[0] = 1; tree[1] = 0; tree[2] = 2; tree[3] = 3;
        Assert.Equal(0, tree.Find(0));
        Assert.Equal(0, tree.Find(0.999));
        Assert.Equal(2, tree.Find(1.0));
        Assert.Equal(2, tree.Find(2.999));
        Assert.Equal(3, tree.Find(3.0));
        Assert.Equal(3, tree.Find(5.999999));
    }

    [Fact]
    public void Zero_weight_leaves_are_never_drawn_even_at_the_right_edge()
    {
        var tree = new SumTree(6); // padded to 8 leaves: the tail is all zero
        tree[0] = 1; tree[3] = 1;
        Assert.Equal(3, tree.Find(tree.Total * (1 - 1e-16)));
        Assert.Equal(3, tree.Find(tree.Total));
    }

    [Fact]
    public void Draws_follow_the_weights()
    {
        var tree = new SumTree(3);
        tree[0] = 1; tree[1] = 3; tree[2] = 6;
        var counts = new int[3];
        var rng = new Rng(9);
        for (int i = 0; i < 20_000; i++) counts[tree.Find(rng.NextDouble() * tree.Total)]++;
        Assert.InRange(counts[0], 1800, 2200);
        Assert.InRange(counts[1], 5700, 6300);
        Assert.InRange(counts[2], 11600, 12400);
    }

    [Fact]
    public void Load_rebuilds_the_same_tree_as_leaf_updates()
    {
        var a = new SumTree(7);
        double[] leaves = [0.5, 1, 0, 2, 3.5, 0.25, 1];
        for (int i = 0; i < leaves.Length; i++) a[i] = leaves[i];
        var b = new SumTree(7);
        b.Load(leaves);
        Assert.Equal(a.Total, b.Total, 12);
        var copied = new double[7];
        b.CopyLeavesTo(copied);
        Assert.Equal(leaves, copied);
    }

    [Fact]
    public void Bad_weights_are_refused()
    {
        var tree = new SumTree(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree[0] = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree[0] = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree[2] = 1);
        Assert.Throws<InvalidOperationException>(() => tree.Find(0));
    }
}
