using System.Diagnostics;

namespace SoftQDistributed.Shared.Telemetry;

/// <summary>
/// One time series (an instrument and one set of tag values) with lock-free storage: a double kept as its bits
/// (added with compare-and-swap, or overwritten), and for histograms a count per bucket and the sum.
/// Recording allocates nothing.
/// </summary>
internal sealed class MetricSeries
{
    private readonly double[]? _bounds;
    private readonly long[]? _buckets; // per bucket (not cumulative); the last is +Inf
    private long _valueBits;
    private long _sumBits;
    private long _generation = -1;
    private int _touched;

    public MetricSeries(string[] keys, object?[] values, string labels, double[]? bounds)
    {
        Keys = keys;
        Values = values;
        Labels = labels;
        _bounds = bounds;
        if (bounds is not null) _buckets = new long[bounds.Length + 1];
    }

    /// <summary>Tag keys and values as recorded, to find this series again.</summary>
    public string[] Keys { get; }

    public object?[] Values { get; }

    /// <summary>The rendered label list (constant labels first), escaped, without braces; may be empty.</summary>
    public string Labels { get; }

    public bool Touched => Volatile.Read(ref _touched) != 0;

    public long Generation => Volatile.Read(ref _generation);

    public double Value => BitConverter.Int64BitsToDouble(Volatile.Read(ref _valueBits));

    public double Sum => BitConverter.Int64BitsToDouble(Volatile.Read(ref _sumBits));

    public void Add(double value)
    {
        AddTo(ref _valueBits, value);
        MarkTouched();
    }

    public void Set(double value, long generation)
    {
        Volatile.Write(ref _valueBits, BitConverter.DoubleToInt64Bits(value));
        Volatile.Write(ref _generation, generation);
        MarkTouched();
    }

    public void Observe(double value)
    {
        Debug.Assert(_bounds is not null && _buckets is not null);
        double[] bounds = _bounds!;
        int i = 0;
        while (i < bounds.Length && !(value <= bounds[i])) i++; // NaN lands in +Inf
        Interlocked.Increment(ref _buckets![i]);
        AddTo(ref _sumBits, value);
        MarkTouched();
    }

    /// <summary>Cumulative bucket counts (the last one is the count), read for a scrape.</summary>
    public long[] CumulativeBuckets()
    {
        long[] cumulative = new long[_buckets!.Length];
        long running = 0;
        for (int i = 0; i < cumulative.Length; i++) cumulative[i] = running += Volatile.Read(ref _buckets[i]);
        return cumulative;
    }

    /// <summary>Whether a measurement's tags are this series' (in any order).</summary>
    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length != Keys.Length) return false;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            int j = Array.IndexOf(Keys, tag.Key);
            if (j < 0) return false;
            object? mine = Values[j];
            if (mine is string s ? !(tag.Value is string t && string.Equals(s, t, StringComparison.Ordinal)) : !Equals(mine, tag.Value)) return false;
        }
        return true;
    }

    private void MarkTouched()
    {
        if (_touched == 0) Volatile.Write(ref _touched, 1);
    }

    private static void AddTo(ref long bits, double value)
    {
        long seen = Volatile.Read(ref bits);
        while (true)
        {
            long next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
            long found = Interlocked.CompareExchange(ref bits, next, seen);
            if (found == seen) return;
            seen = found;
        }
    }
}
