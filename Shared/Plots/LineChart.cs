namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// A line chart such as a learning curve (x = environment steps, y = mean return): title, axis labels, nice
/// ticks with a light grid, one or more series with optional bands, and a legend above the plot.
/// </summary>
public sealed record LineChart(string Title, string XLabel, string YLabel, IReadOnlyList<LineSeries> Series)
{
    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    private const double BandOpacity = 0.18;

    public double Width { get; init; } = 760;
    public double Height { get; init; } = 460;

    public string Render()
    {
        if (Series.Count == 0) throw new ArgumentException("a line chart needs at least one series");
        foreach (LineSeries series in Series) Validate(series);

        (double xMin, double xMax) = Extent(Series.SelectMany(s => s.X));
        (double yMin, double yMax) = Extent(Series.SelectMany(s => s.Y.Concat(s.BandLower ?? []).Concat(s.BandUpper ?? [])));
        (yMin, yMax) = LinearScale.NiceBounds(yMin, yMax);
        if (!(xMax > xMin)) (xMin, xMax) = LinearScale.NiceBounds(xMin, xMax);

        var svg = new SvgBuilder(Width, Height);
        var area = new PlotArea(Left: 80, Top: 76, Width: Width - 110, Height: Height - 76 - 58, xMin, xMax, yMin, yMax);
        area.DrawGrid(svg);
        svg.ClipRect("plot-area", area.Left, area.Top, area.Width, area.Height);
        svg.OpenGroup("plot-area");
        for (int s = 0; s < Series.Count; s++) DrawBand(svg, area, Series[s], ColorOf(s));
        for (int s = 0; s < Series.Count; s++) DrawLine(svg, area, Series[s], ColorOf(s));
        svg.CloseGroup();
        area.DrawAxes(svg, null, XLabel, YLabel);
        svg.Text(Width / 2, 26, Title, 16, TextAnchor.Middle, bold: true);
        DrawLegend(svg, area);
        return svg.ToString();
    }

    public void Save(string path) => SvgBuilder.WriteFile(path, Render());

    private string ColorOf(int index) => Series[index].Color ?? Palette[index % Palette.Length];

    private static void Validate(LineSeries series)
    {
        if (series.X.Length != series.Y.Length)
            throw new ArgumentException($"series '{series.Label}': {series.X.Length} x values but {series.Y.Length} y values");
        if ((series.BandLower is null) != (series.BandUpper is null))
            throw new ArgumentException($"series '{series.Label}': a band needs both a lower and an upper edge");
        if (series.BandLower is not null && (series.BandLower.Length != series.X.Length || series.BandUpper!.Length != series.X.Length))
            throw new ArgumentException($"series '{series.Label}': the band must have one lower and one upper value per point");
    }

    private static (double Min, double Max) Extent(IEnumerable<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double value in values)
        {
            if (!double.IsFinite(value)) continue;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }
        return double.IsFinite(min) ? (min, max) : (0, 1);
    }

    private static void DrawBand(SvgBuilder svg, PlotArea area, LineSeries series, string color)
    {
        if (series.BandLower is null || series.BandUpper is null) return;
        // One polygon per run of finite points: along the upper edge, back along the lower edge.
        foreach ((int start, int end) in FiniteRuns.Of(i => series.BandLower[i], i => series.BandUpper[i], series.X.Length))
        {
            int count = end - start;
            var xs = new double[2 * count];
            var ys = new double[2 * count];
            for (int k = 0; k < count; k++)
            {
                xs[k] = area.X.Map(series.X[start + k]);
                ys[k] = area.Y.Map(series.BandUpper[start + k]);
                xs[2 * count - 1 - k] = xs[k];
                ys[2 * count - 1 - k] = area.Y.Map(series.BandLower[start + k]);
            }
            svg.Polygon(xs, ys, color, opacity: BandOpacity);
        }
    }

    private static void DrawLine(SvgBuilder svg, PlotArea area, LineSeries series, string color)
    {
        foreach ((int start, int end) in FiniteRuns.Of(i => series.Y[i], i => series.Y[i], series.X.Length))
        {
            var xs = new double[end - start];
            var ys = new double[end - start];
            for (int k = 0; k < xs.Length; k++)
            {
                xs[k] = area.X.Map(series.X[start + k]);
                ys[k] = area.Y.Map(series.Y[start + k]);
            }
            if (xs.Length == 1) svg.Circle(xs[0], ys[0], 2.5, color);
            else if (series.Dashed) svg.Path(PathThrough(xs, ys), color, 2, dash: "6 4");
            else svg.Polyline(xs, ys, color, 2);
        }
    }

    private static string PathThrough(double[] xs, double[] ys) =>
        string.Join(' ', xs.Select((x, i) => (i == 0 ? "M" : "L") + SvgBuilder.F(x) + "," + SvgBuilder.F(ys[i])));

    private void DrawLegend(SvgBuilder svg, PlotArea area)
    {
        double x = area.Left;
        double y = area.Top - 22;
        for (int s = 0; s < Series.Count; s++)
        {
            LineSeries series = Series[s];
            string color = ColorOf(s);
            svg.Line(x, y, x + 26, y, color, 2.5, series.Dashed ? "6 4" : null);
            svg.Text(x + 32, y + 4, series.Label, 12);
            x += 46 + 7 * series.Label.Length;
            if (series.BandLower is not null)
            {
                svg.Rect(x, y - 6, 26, 12, color, fillOpacity: BandOpacity);
                string label = series.BandLabel ?? $"{series.Label} band";
                svg.Text(x + 32, y + 4, label, 12);
                x += 46 + 7 * label.Length;
            }
        }
    }
}
