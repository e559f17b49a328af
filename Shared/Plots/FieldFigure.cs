namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// A row of <see cref="FieldPanel"/>s under one title, each with its own colour bar (fields on different
/// panels may have different ranges), and one legend for the overlays of all panels.
/// </summary>
public sealed record FieldFigure(string Title, IReadOnlyList<FieldPanel> Panels)
{
    private const double WhiteMix = 0.35;
    private const string UndefinedColor = "#cccccc";
    private const double PanelLeftMargin = 64;
    private const double ColorBarGap = 14;
    private const double ColorBarWidth = 14;
    private const double PanelRightMargin = 78;
    private const double TitleHeight = 40;
    private const double LegendHeight = 26;
    private const double PanelTitleHeight = 28;
    private const double BottomMargin = 56;

    public double PanelSize { get; init; } = 340;

    public string Render()
    {
        if (Panels.Count == 0) throw new ArgumentException("a field figure needs at least one panel");
        double panelWidth = PanelLeftMargin + PanelSize + ColorBarGap + ColorBarWidth + PanelRightMargin;
        var svg = new SvgBuilder(Panels.Count * panelWidth + 10, TitleHeight + LegendHeight + PanelTitleHeight + PanelSize + BottomMargin);
        svg.Text(svg.Width / 2, 26, Title, 16, TextAnchor.Middle, bold: true);
        DrawLegend(svg);
        for (int p = 0; p < Panels.Count; p++)
        {
            var area = new PlotArea(p * panelWidth + PanelLeftMargin, TitleHeight + LegendHeight + PanelTitleHeight,
                PanelSize, PanelSize, Panels[p].XMin, Panels[p].XMax, Panels[p].YMin, Panels[p].YMax);
            DrawPanel(svg, Panels[p], area, $"panel-{p}");
        }
        return svg.ToString();
    }

    public void Save(string path) => SvgBuilder.WriteFile(path, Render());

    private static void DrawPanel(SvgBuilder svg, FieldPanel panel, PlotArea area, string clipId)
    {
        int n = panel.Resolution;
        if (n < 2) throw new ArgumentException($"panel '{panel.Title}': resolution must be at least 2");
        // Samples at cell centres, row j from the bottom (y grows upward in data space).
        var xs = new double[n];
        var ys = new double[n];
        var values = new double[n, n];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < n; i++) xs[i] = panel.XMin + (i + 0.5) * (panel.XMax - panel.XMin) / n;
        for (int j = 0; j < n; j++) ys[j] = panel.YMin + (j + 0.5) * (panel.YMax - panel.YMin) / n;
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < n; i++)
            {
                double value = panel.Field(xs[i], ys[j]);
                values[j, i] = value;
                if (!double.IsFinite(value)) continue;
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }
        }
        if (!double.IsFinite(min)) (min, max) = (0, 1);
        if (!(max > min)) (min, max) = (min - 0.5, max + 0.5);
        double[] levels = [.. LinearScale.NiceTicks(min, max, panel.LevelCount).Where(l => l > min && l < max)];

        svg.ClipRect(clipId, area.Left, area.Top, area.Width, area.Height);
        svg.OpenGroup(clipId, crispEdges: true);
        DrawBands(svg, area, values, levels, min, max);
        svg.CloseGroup();

        svg.OpenGroup(clipId);
        var pixelXs = xs.Select(area.X.Map).ToArray();
        var pixelYs = ys.Select(area.Y.Map).ToArray();
        foreach (double level in levels)
        {
            string data = ContourLines.PathData(values, pixelXs, pixelYs, level);
            if (data.Length > 0) svg.Path(data, "#2b2b2b", 0.7, opacity: 0.45);
        }
        foreach (PathsOverlay overlay in panel.Paths)
        {
            foreach ((double[] pathX, double[] pathY) in overlay.Paths)
            {
                if (pathX.Length != pathY.Length)
                    throw new ArgumentException($"overlay '{overlay.Label}': a path has {pathX.Length} x values but {pathY.Length} y values");
                // A diverged run's NaN positions leave a gap rather than a line to the corner.
                foreach ((int start, int end) in FiniteRuns.Of(i => pathX[i], i => pathY[i], pathX.Length))
                    svg.Polyline(pathX[start..end].Select(area.X.Map).ToArray(), pathY[start..end].Select(area.Y.Map).ToArray(), overlay.Color, overlay.StrokeWidth, overlay.Opacity);
            }
        }
        foreach (PointsOverlay overlay in panel.Points)
        {
            if (overlay.X.Length != overlay.Y.Length)
                throw new ArgumentException($"overlay '{overlay.Label}': {overlay.X.Length} x values but {overlay.Y.Length} y values");
            for (int k = 0; k < overlay.X.Length; k++)
                if (double.IsFinite(overlay.X[k]) && double.IsFinite(overlay.Y[k]))
                    svg.Circle(area.X.Map(overlay.X[k]), area.Y.Map(overlay.Y[k]), overlay.Radius, overlay.Color, overlay.Stroke, 0.8, overlay.Opacity);
        }
        svg.CloseGroup();

        area.DrawAxes(svg, panel.Title, panel.XLabel, panel.YLabel);
        DrawColorBar(svg, area, levels, min, max, panel.FieldLabel);
    }

    /// <summary>Colour cells, merged into one rectangle per run of equal band along each row.</summary>
    private static void DrawBands(SvgBuilder svg, PlotArea area, double[,] values, double[] levels, double min, double max)
    {
        int n = values.GetLength(0);
        double cellWidth = area.Width / n;
        double cellHeight = area.Height / n;
        for (int j = 0; j < n; j++)
        {
            double top = area.Bottom - (j + 1) * cellHeight;
            int runStart = 0;
            int runBand = BandOf(values[j, 0], levels);
            for (int i = 1; i <= n; i++)
            {
                int band = i < n ? BandOf(values[j, i], levels) : int.MinValue;
                if (band == runBand) continue;
                // A hair of overlap hides seams between neighbouring rectangles.
                svg.Rect(area.Left + runStart * cellWidth, top, (i - runStart) * cellWidth + 0.4, cellHeight + 0.4,
                    BandColor(runBand, levels, min, max));
                runStart = i;
                runBand = band;
            }
        }
    }

    /// <summary>Band b holds values between levels[b-1] and levels[b]; -1 marks undefined values.</summary>
    private static int BandOf(double value, double[] levels)
    {
        if (!double.IsFinite(value)) return -1;
        int band = 0;
        while (band < levels.Length && value > levels[band]) band++;
        return band;
    }

    private static string BandColor(int band, double[] levels, double min, double max)
    {
        if (band < 0) return UndefinedColor;
        double low = band == 0 ? min : levels[band - 1];
        double high = band == levels.Length ? max : levels[band];
        return ColorMap.At(((low + high) / 2 - min) / (max - min), WhiteMix);
    }

    private static void DrawColorBar(SvgBuilder svg, PlotArea area, double[] levels, double min, double max, string label)
    {
        double left = area.Right + ColorBarGap;
        var scale = new LinearScale(min, max, area.Bottom, area.Top);
        svg.OpenGroup(crispEdges: true);
        for (int band = 0; band <= levels.Length; band++)
        {
            double low = band == 0 ? min : levels[band - 1];
            double high = band == levels.Length ? max : levels[band];
            svg.Rect(left, scale.Map(high), ColorBarWidth, scale.Map(low) - scale.Map(high) + 0.4, BandColor(band, levels, min, max));
        }
        svg.CloseGroup();
        svg.Rect(left, area.Top, ColorBarWidth, area.Height, "none", PlotArea.AxisColor);
        double step = levels.Length > 1 ? levels[1] - levels[0] : Math.Max(max - min, 1e-12);
        foreach (double level in levels)
        {
            double y = scale.Map(level);
            svg.Line(left + ColorBarWidth, y, left + ColorBarWidth + 4, y, PlotArea.AxisColor);
            svg.Text(left + ColorBarWidth + 7, y + 4, LinearScale.FormatTick(level, step), 10);
        }
        if (label.Length > 0)
            svg.Text(left + ColorBarWidth + 62, area.Top + area.Height / 2, label, 12, TextAnchor.Middle, rotate: 90);
    }

    private void DrawLegend(SvgBuilder svg)
    {
        double x = PanelLeftMargin;
        double y = TitleHeight + 10;
        var seen = new HashSet<string>();
        foreach (FieldPanel panel in Panels)
        {
            foreach (PathsOverlay overlay in panel.Paths.Where(o => seen.Add(o.Label)))
            {
                svg.Line(x, y, x + 24, y, overlay.Color, 2.2);
                svg.Text(x + 30, y + 4, overlay.Label, 12);
                x += 44 + 7 * overlay.Label.Length;
            }
            foreach (PointsOverlay overlay in panel.Points.Where(o => seen.Add(o.Label)))
            {
                svg.Circle(x + 8, y, Math.Max(overlay.Radius, 3.5), overlay.Color, overlay.Stroke is "#ffffff" ? "#555555" : overlay.Stroke, 0.8);
                svg.Text(x + 20, y + 4, overlay.Label, 12);
                x += 34 + 7 * overlay.Label.Length;
            }
        }
    }
}
