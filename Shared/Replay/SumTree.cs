namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// A binary tree whose leaves hold non-negative weights and whose inner nodes hold the sums below them:
/// O(log n) weight updates and O(log n) draws of a leaf with probability proportional to its weight.
/// </summary>
public sealed class SumTree
{
    private readonly double[] _nodes; // 1-based heap layout; leaves start at _leafBase
    private readonly int _leafBase;

    public SumTree(int capacity)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be positive");
        Capacity = capacity;
        _leafBase = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _nodes = new double[2 * _leafBase];
    }

    public int Capacity { get; }

    /// <summary>Sum of all weights.</summary>
    public double Total => _nodes[1];

    public double this[int index]
    {
        get
        {
            CheckIndex(index);
            return _nodes[_leafBase + index];
        }
        set
        {
            CheckIndex(index);
            if (!(value >= 0) || double.IsPositiveInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "weight must be finite and non-negative");
            int node = _leafBase + index;
            _nodes[node] = value;
            // Recompute sums from children rather than adding deltas, so rounding errors do not accumulate.
            for (node >>= 1; node >= 1; node >>= 1) _nodes[node] = _nodes[2 * node] + _nodes[2 * node + 1];
        }
    }

    /// <summary>
    /// The leaf where the running sum of weights first exceeds <paramref name="mass"/>, for mass in [0, Total).
    /// Leaves with zero weight are never returned.
    /// </summary>
    public int Find(double mass)
    {
        if (!(Total > 0)) throw new InvalidOperationException("cannot draw from a sum-tree whose weights are all zero");
        if (!(mass >= 0)) throw new ArgumentOutOfRangeException(nameof(mass), mass, "mass must be non-negative");
        int node = 1;
        while (node < _leafBase)
        {
            double left = _nodes[2 * node];
            if (mass < left || _nodes[2 * node + 1] <= 0)
            {
                node = 2 * node;
            }
            else
            {
                mass -= left;
                node = 2 * node + 1;
            }
        }
        // Rounding can leave us on a zero leaf at the right edge; step back to the nearest weighted one.
        int index = node - _leafBase;
        while (_nodes[_leafBase + index] <= 0 && index > 0) index--;
        return index;
    }

    /// <summary>Copies the leaf weights, slot by slot, for snapshots.</summary>
    public void CopyLeavesTo(Span<double> destination) => _nodes.AsSpan(_leafBase, Capacity).CopyTo(destination);

    /// <summary>Sets every leaf weight at once and rebuilds the sums.</summary>
    public void Load(ReadOnlySpan<double> leaves)
    {
        if (leaves.Length != Capacity) throw new ArgumentException($"{leaves.Length} weights for a tree of {Capacity}", nameof(leaves));
        foreach (double w in leaves)
            if (!(w >= 0) || double.IsPositiveInfinity(w)) throw new ArgumentException($"weight {w} is not finite and non-negative", nameof(leaves));
        Array.Clear(_nodes);
        leaves.CopyTo(_nodes.AsSpan(_leafBase));
        for (int node = _leafBase - 1; node >= 1; node--) _nodes[node] = _nodes[2 * node] + _nodes[2 * node + 1];
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Capacity) throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be in [0, {Capacity})");
    }
}
