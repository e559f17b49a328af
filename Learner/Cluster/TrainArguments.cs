using System.Collections;
using System.Globalization;
using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// The resolved train settings written back as switches for the learner process, so it trains with exactly what
/// launch read (per-environment defaults, appsettings.json, environment variables and command line included),
/// whatever its own working directory and environment hold.
/// </summary>
public static class TrainArguments
{
    public static List<string> From(TrainingSettings training, SoftQSettings softQ, string outDirectory)
    {
        var arguments = new List<string>();
        foreach ((string name, string key) in SettingsLoader.Switches())
        {
            string[] parts = key.Split(':');
            object settings = parts[0] == "Train" ? training : softQ;
            object? value = settings.GetType().GetProperty(parts[1])?.GetValue(settings);
            if (value is null) continue;
            if (name == "--out") value = outDirectory;
            arguments.Add(name);
            arguments.Add(Format(value));
        }
        return arguments;
    }

    private static string Format(object value) => value switch
    {
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => s,
        IEnumerable list => string.Join(",", list.Cast<object>().Select(Format)),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
