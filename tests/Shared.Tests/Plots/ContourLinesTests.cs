using System.Globalization;
using SoftQDistributed.Shared.Plots;

namespace SoftQDistributed.Shared.Tests.Plots;

public sealed class ContourLinesTests
{
    private static List<(double X, double Y)> Points(string pathData) =>
        pathData.Split(['M', 'L', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Select(point => point.Split(','))
            .Select(xy => (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture)))
            .ToList();

    [Fact]
    public void A_linear_field_gives_a_straight_iso_line_where_the_level_is()
    {
        double[] xs = [0, 1, 2, 3, 4];
        double[] ys = [0, 1, 2];
        var values = new double[3, 5];
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 5; i++) values[j, i] = xs[i];

        var points = Points(ContourLines.PathData(values, xs, ys, 2.5));

        Assert.Equal(4, points.Count); // two cells crossed, one segment each
        Assert.All(points, p => Assert.Equal(2.5, p.X, 9));
        Assert.Equal([0.0, 1.0, 2.0], points.Select(p => p.Y).Distinct().Order());
    }

    [Fact]
    public void A_bump_gives_a_closed_ring_of_segments_around_its_peak()
    {
        int n = 21;
        double[] grid = [.. Enumerable.Range(0, n).Select(i => -1 + 2.0 * i / (n - 1))];
        var values = new double[n, n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) values[j, i] = Math.Exp(-(grid[i] * grid[i] + grid[j] * grid[j]) * 4);

        var points = Points(ContourLines.PathData(values, grid, grid, 0.5));

        double radius = Math.Sqrt(Math.Log(2) / 4);
        Assert.NotEmpty(points);
        Assert.All(points, p => Assert.InRange(Math.Sqrt(p.X * p.X + p.Y * p.Y), radius - 0.03, radius + 0.03));
    }

    [Fact]
    public void Cells_touching_an_undefined_value_get_no_segment_and_no_point_leaves_the_grid()
    {
        // A linear field with a hole (the TwoRoutes wall is drawn this way): an undefined corner has no crossing,
        // and once printed as 0 it drew lines to the plot's corner.
        double[] xs = [10, 11, 12, 13, 14];
        double[] ys = [20, 21, 22];
        var values = new double[3, 5];
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 5; i++) values[j, i] = i;
        values[1, 2] = double.NaN;

        var points = Points(ContourLines.PathData(values, xs, ys, 1.5));

        Assert.Empty(points); // every cell crossed by x = 11.5 has the hole as a corner
        var beside = Points(ContourLines.PathData(values, xs, ys, 3.5));
        Assert.Equal(4, beside.Count);
        Assert.All(beside, p => Assert.Equal(13.5, p.X, 9));
    }

    [Fact]
    public void A_level_outside_the_field_draws_nothing()
    {
        var values = new double[,] { { 0, 1 }, { 1, 2 } };
        Assert.Equal("", ContourLines.PathData(values, [0, 1], [0, 1], 5));
    }
}
