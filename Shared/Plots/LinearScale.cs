using System.Globalization;

namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// Maps a data interval onto a pixel interval (which may run backwards, as a y axis does), and picks
/// "nice" tick values (1, 2 or 5 times a power of ten) for it.
/// </summary>
public sealed record LinearScale(double DomainMin, double DomainMax, double RangeMin, double RangeMax)
{
    public double Map(double value)
    {
        double span = DomainMax - DomainMin;
        double t = span == 0 ? 0.5 : (value - DomainMin) / span;
        return RangeMin + t * (RangeMax - RangeMin);
    }

    /// <summary>The step between about <paramref name="targetCount"/> nice ticks over [min, max].</summary>
    public static double NiceStep(double min, double max, int targetCount)
    {
        double span = max - min;
        if (!(span > 0)) return 1;
        double rough = span / Math.Max(1, targetCount);
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / power;
        double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        return nice * power;
    }

    /// <summary>Multiples of <see cref="NiceStep"/> that lie inside [min, max].</summary>
    public static double[] NiceTicks(double min, double max, int targetCount = 6)
    {
        if (!(max > min)) return [min];
        double step = NiceStep(min, max, targetCount);
        // Ticks by index, never by accumulating the step: a span of a few ULPs has a step below one ULP.
        double firstIndex = Math.Ceiling(min / step - 1e-9), lastIndex = Math.Floor(max / step + 1e-9);
        int count = (int)Math.Clamp(lastIndex - firstIndex + 1, 0, 4 * targetCount + 1);
        var ticks = new double[count];
        for (int k = 0; k < count; k++)
        {
            double tick = (firstIndex + k) * step;
            ticks[k] = Math.Abs(tick) < step * 1e-9 ? 0 : tick;
        }
        return ticks.Length == 0 ? [min] : [.. ticks.Distinct()];
    }

    /// <summary>An interval widened outward to nice step boundaries, so the axis ends on a tick.</summary>
    public static (double Min, double Max) NiceBounds(double min, double max, int targetCount = 6)
    {
        // Equal, or equal but for rounding: widen around the value instead of ticking a span of a few ULPs.
        if (!(max - min > 1e-9 * Math.Max(Math.Abs(min), Math.Abs(max))))
        {
            double pad = Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 1;
            (min, max) = (min - pad, max + pad);
        }
        double step = NiceStep(min, max, targetCount);
        return (Math.Floor(min / step + 1e-9) * step, Math.Ceiling(max / step - 1e-9) * step);
    }

    /// <summary>A tick label with as many decimals as the step needs; 10000 and above in thousands ("25k").</summary>
    public static string FormatTick(double value, double step)
    {
        if (Math.Abs(value) >= 10_000 && step >= 1000 && Math.Abs(value % 1000) < 1e-9)
            return (value / 1000).ToString("0", CultureInfo.InvariantCulture) + "k";
        int decimals = step >= 1 ? 0 : Math.Min(6, (int)Math.Ceiling(-Math.Log10(step) - 1e-9));
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }
}
