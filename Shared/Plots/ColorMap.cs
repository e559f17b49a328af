using System.Globalization;

namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// Viridis (matplotlib's perceptually uniform map), interpolated between eleven stops, optionally mixed with
/// white so that dark lines and dots drawn on top stay easy to see.
/// </summary>
public static class ColorMap
{
    private static readonly (double R, double G, double B)[] Viridis =
    [
        (68, 1, 84), (72, 36, 117), (65, 68, 135), (53, 95, 141), (42, 120, 142), (33, 145, 140),
        (34, 168, 132), (68, 191, 112), (122, 209, 81), (189, 223, 38), (253, 231, 37),
    ];

    /// <summary>The colour at <paramref name="t"/> in [0, 1] (clamped) as <c>#rrggbb</c>, mixed with white by <paramref name="whiteMix"/>.</summary>
    public static string At(double t, double whiteMix = 0)
    {
        t = double.IsFinite(t) ? Math.Clamp(t, 0, 1) : 0;
        double position = t * (Viridis.Length - 1);
        int low = Math.Min((int)position, Viridis.Length - 2);
        double f = position - low;
        (double r0, double g0, double b0) = Viridis[low];
        (double r1, double g1, double b1) = Viridis[low + 1];
        return Hex(Mix(r0 + f * (r1 - r0), whiteMix), Mix(g0 + f * (g1 - g0), whiteMix), Mix(b0 + f * (b1 - b0), whiteMix));
    }

    private static double Mix(double channel, double whiteMix) => channel + (255 - channel) * whiteMix;

    private static string Hex(double r, double g, double b) =>
        string.Create(CultureInfo.InvariantCulture, $"#{(int)Math.Round(r):x2}{(int)Math.Round(g):x2}{(int)Math.Round(b):x2}");
}
