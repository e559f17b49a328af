using System.Text;

namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// Marching squares: the iso-lines of a field sampled on a regular grid, as SVG path data in pixel
/// coordinates. Saddle cells are split using the cell's centre value; cells with an undefined (non-finite) corner
/// get no line, since there is no crossing to place on their edges.
/// </summary>
public static class ContourLines
{
    /// <summary>
    /// Path data for the level <paramref name="level"/> of <paramref name="values"/> (row-major, [rows, columns],
    /// row j at y = ys[j], column i at x = xs[i], both already in pixels).
    /// </summary>
    public static string PathData(double[,] values, double[] xs, double[] ys, double level)
    {
        int rows = values.GetLength(0);
        int columns = values.GetLength(1);
        var data = new StringBuilder();
        for (int j = 0; j + 1 < rows; j++)
        {
            for (int i = 0; i + 1 < columns; i++)
            {
                // Corners counter-clockwise from bottom-left (in grid terms): a=(i,j), b=(i+1,j), c=(i+1,j+1), d=(i,j+1).
                double a = values[j, i], b = values[j, i + 1], c = values[j + 1, i + 1], d = values[j + 1, i];
                if (!double.IsFinite(a + b + c + d)) continue;
                int index = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
                if (index is 0 or 15) continue;

                // Crossing points on the four edges: bottom (a-b), right (b-c), top (d-c), left (a-d).
                (double X, double Y) Bottom() => (Lerp(xs[i], xs[i + 1], a, b, level), ys[j]);
                (double X, double Y) Right() => (xs[i + 1], Lerp(ys[j], ys[j + 1], b, c, level));
                (double X, double Y) Top() => (Lerp(xs[i], xs[i + 1], d, c, level), ys[j + 1]);
                (double X, double Y) Left() => (xs[i], Lerp(ys[j], ys[j + 1], a, d, level));

                bool centreAbove = (a + b + c + d) / 4 > level;
                switch (index)
                {
                    case 1 or 14: Segment(data, Left(), Bottom()); break;
                    case 2 or 13: Segment(data, Bottom(), Right()); break;
                    case 3 or 12: Segment(data, Left(), Right()); break;
                    case 4 or 11: Segment(data, Right(), Top()); break;
                    case 6 or 9: Segment(data, Bottom(), Top()); break;
                    case 7 or 8: Segment(data, Left(), Top()); break;
                    case 5:
                        // a and c above: joined through the centre or separated.
                        if (centreAbove) { Segment(data, Left(), Top()); Segment(data, Bottom(), Right()); }
                        else { Segment(data, Left(), Bottom()); Segment(data, Right(), Top()); }
                        break;
                    case 10:
                        if (centreAbove) { Segment(data, Left(), Bottom()); Segment(data, Right(), Top()); }
                        else { Segment(data, Left(), Top()); Segment(data, Bottom(), Right()); }
                        break;
                }
            }
        }
        return data.ToString();
    }

    private static double Lerp(double p0, double p1, double v0, double v1, double level)
    {
        double t = v1 == v0 ? 0.5 : (level - v0) / (v1 - v0);
        return p0 + t * (p1 - p0);
    }

    private static void Segment(StringBuilder data, (double X, double Y) from, (double X, double Y) to)
    {
        if (data.Length > 0) data.Append(' ');
        data.Append('M').Append(SvgBuilder.F(from.X)).Append(',').Append(SvgBuilder.F(from.Y))
            .Append('L').Append(SvgBuilder.F(to.X)).Append(',').Append(SvgBuilder.F(to.Y));
    }
}
