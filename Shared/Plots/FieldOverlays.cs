namespace SoftQDistributed.Shared.Plots;

/// <summary>Polylines drawn over a <see cref="FieldPanel"/> (for example evaluation rollouts), one legend entry for all.</summary>
public sealed record PathsOverlay(string Label, IReadOnlyList<(double[] X, double[] Y)> Paths, string Color)
{
    public double StrokeWidth { get; init; } = 1.4;
    public double Opacity { get; init; } = 0.75;
}

/// <summary>
/// Points drawn over a <see cref="FieldPanel"/>: small dots for samples, or large outlined markers (goals),
/// one legend entry for all.
/// </summary>
public sealed record PointsOverlay(string Label, double[] X, double[] Y, string Color)
{
    public double Radius { get; init; } = 2.6;
    public string? Stroke { get; init; } = "#ffffff";
    public double Opacity { get; init; } = 0.9;
}
