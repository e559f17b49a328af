namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// One panel of a <see cref="FieldFigure"/>: a scalar field over a rectangle, drawn as filled colour bands
/// with contour lines at the band edges and a colour bar, with optional paths and points on top.
/// The field is sampled at <see cref="Resolution"/>² points; non-finite values are drawn grey.
/// </summary>
public sealed record FieldPanel(string Title, double XMin, double XMax, double YMin, double YMax, Func<double, double, double> Field)
{
    public string XLabel { get; init; } = "x";
    public string YLabel { get; init; } = "y";

    /// <summary>What the colours mean, written along the colour bar.</summary>
    public string FieldLabel { get; init; } = "";

    public int Resolution { get; init; } = 100;

    /// <summary>About how many contour levels to draw (nice values are chosen near this count).</summary>
    public int LevelCount { get; init; } = 10;

    public IReadOnlyList<PathsOverlay> Paths { get; init; } = [];
    public IReadOnlyList<PointsOverlay> Points { get; init; } = [];
}
