using System.Globalization;

namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// The options after a task's colon, <c>key=value</c> pairs separated by commas (<c>ant:reward=speed,healthy_reward=0.05</c>, <c>tworoutes:start_sigma=0</c>),
/// as Gymnasium's constructor arguments.
/// </summary>
internal static class TaskOptions
{
    /// <summary>
    /// Hands each pair, key and value in lower case, to <paramref name="take"/>, which says whether it took it; the first
    /// one refused throws "<paramref name="usage"/>, not 'pair'".
    /// </summary>
    public static void Apply(string options, string usage, Func<string, string, bool> take)
    {
        foreach (string option in options.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] pair = option.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !take(pair[0].ToLowerInvariant(), pair[1].ToLowerInvariant()))
                throw new ArgumentException($"{usage}, not '{option}'");
        }
    }

    /// <summary>A reward weight: a finite, non-negative number.</summary>
    public static bool TryWeight(string text, out double weight) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out weight) && double.IsFinite(weight) && weight >= 0;

    /// <summary>A reward kind: <c>speed</c> (speed in any direction, true) or <c>forward</c> (the task's own, false).</summary>
    public static bool TryRewardKind(string text, out bool speed)
    {
        speed = text == "speed";
        return speed || text == "forward";
    }
}
