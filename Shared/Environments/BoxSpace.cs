namespace SoftQDistributed.Shared.Environments;

/// <summary>A box <c>[Low, High]</c> in R^d: the bounds of an observation or an action.</summary>
public sealed class BoxSpace
{
    private readonly float[] _low;
    private readonly float[] _high;

    public BoxSpace(ReadOnlySpan<float> low, ReadOnlySpan<float> high)
    {
        if (low.Length != high.Length)
            throw new ArgumentException($"low has {low.Length} values but high has {high.Length}");
        if (low.Length == 0) throw new ArgumentException("a box needs at least one dimension");
        for (int i = 0; i < low.Length; i++)
        {
            if (!(low[i] <= high[i]))
                throw new ArgumentException($"dimension {i}: low {low[i]} is not <= high {high[i]}");
        }
        _low = low.ToArray();
        _high = high.ToArray();
    }

    /// <summary>The box <c>[low, high]^dimension</c>.</summary>
    public static BoxSpace Uniform(int dimension, float low, float high)
    {
        var lows = new float[dimension];
        var highs = new float[dimension];
        Array.Fill(lows, low);
        Array.Fill(highs, high);
        return new BoxSpace(lows, highs);
    }

    public int Dimension => _low.Length;
    public ReadOnlySpan<float> Low => _low;
    public ReadOnlySpan<float> High => _high;

    /// <summary>Clips every coordinate into the box, in place.</summary>
    public void Clip(Span<float> values)
    {
        CheckLength(values.Length);
        for (int i = 0; i < values.Length; i++) values[i] = Math.Clamp(values[i], _low[i], _high[i]);
    }

    public bool Contains(ReadOnlySpan<float> values)
    {
        CheckLength(values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= _low[i] && values[i] <= _high[i])) return false;
        }
        return true;
    }

    private void CheckLength(int length)
    {
        if (length != _low.Length)
            throw new ArgumentException($"expected {_low.Length} values for this box, got {length}");
    }
}
