namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// One curve of a <see cref="LineChart"/>: points (x[i], y[i]); NaN values leave a gap. An optional shaded
/// band [BandLower, BandUpper] (for example min–max or ±1 std) is drawn under it with its own legend label.
/// </summary>
public sealed record LineSeries(string Label, double[] X, double[] Y)
{
    public double[]? BandLower { get; init; }
    public double[]? BandUpper { get; init; }
    public string? BandLabel { get; init; }

    /// <summary>A CSS colour; null picks the next colour of the chart's palette.</summary>
    public string? Color { get; init; }

    public bool Dashed { get; init; }
}
