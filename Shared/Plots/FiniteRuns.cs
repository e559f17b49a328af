namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// The maximal runs of indices where both values are finite: a curve or a path is drawn in pieces, with a gap at each
/// NaN or infinity, since SVG has no number for them.
/// </summary>
internal static class FiniteRuns
{
    /// <summary>Runs [Start, End) over 0..count-1 where <paramref name="first"/>(i) and <paramref name="second"/>(i) are finite.</summary>
    public static IEnumerable<(int Start, int End)> Of(Func<int, double> first, Func<int, double> second, int count)
    {
        int start = -1;
        for (int i = 0; i <= count; i++)
        {
            bool finite = i < count && double.IsFinite(first(i)) && double.IsFinite(second(i));
            if (finite && start < 0) start = i;
            if (!finite && start >= 0)
            {
                yield return (start, i);
                start = -1;
            }
        }
    }
}
