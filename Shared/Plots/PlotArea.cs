namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// The rectangle (in pixels) where data is drawn, with its two scales; draws the frame, grid, ticks, tick
/// labels, axis labels and title around itself.
/// </summary>
public sealed record PlotArea(double Left, double Top, double Width, double Height, double XMin, double XMax, double YMin, double YMax)
{
    public const string AxisColor = "#333333";
    public const string GridColor = "#e3e3e3";

    public double Right => Left + Width;
    public double Bottom => Top + Height;
    public LinearScale X => new(XMin, XMax, Left, Right);
    public LinearScale Y => new(YMin, YMax, Bottom, Top);

    /// <summary>Draws the grid lines under the data (call before drawing the data).</summary>
    public void DrawGrid(SvgBuilder svg, int xTickCount = 6, int yTickCount = 6)
    {
        foreach (double tick in LinearScale.NiceTicks(XMin, XMax, xTickCount))
            svg.Line(X.Map(tick), Top, X.Map(tick), Bottom, GridColor);
        foreach (double tick in LinearScale.NiceTicks(YMin, YMax, yTickCount))
            svg.Line(Left, Y.Map(tick), Right, Y.Map(tick), GridColor);
    }

    /// <summary>Draws the frame, the ticks with their labels, the axis labels and the title (call after the data).</summary>
    public void DrawAxes(SvgBuilder svg, string? title, string xLabel, string yLabel, int xTickCount = 6, int yTickCount = 6)
    {
        svg.Rect(Left, Top, Width, Height, "none", AxisColor);

        double xStep = LinearScale.NiceStep(XMin, XMax, xTickCount);
        foreach (double tick in LinearScale.NiceTicks(XMin, XMax, xTickCount))
        {
            double x = X.Map(tick);
            svg.Line(x, Bottom, x, Bottom + 5, AxisColor);
            svg.Text(x, Bottom + 18, LinearScale.FormatTick(tick, xStep), 11, TextAnchor.Middle);
        }
        double yStep = LinearScale.NiceStep(YMin, YMax, yTickCount);
        foreach (double tick in LinearScale.NiceTicks(YMin, YMax, yTickCount))
        {
            double y = Y.Map(tick);
            svg.Line(Left - 5, y, Left, y, AxisColor);
            svg.Text(Left - 8, y + 4, LinearScale.FormatTick(tick, yStep), 11, TextAnchor.End);
        }

        svg.Text(Left + Width / 2, Bottom + 38, xLabel, 13, TextAnchor.Middle);
        double yLabelX = Left - 48;
        svg.Text(yLabelX, Top + Height / 2, yLabel, 13, TextAnchor.Middle, rotate: -90);
        if (title is not null) svg.Text(Left + Width / 2, Top - 10, title, 14, TextAnchor.Middle, bold: true);
    }
}
