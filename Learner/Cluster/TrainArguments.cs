using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.CommandLine;

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
        foreach (Setting setting in SettingsLoader.TrainSettings)
        {
            object settings = setting.Section == "Train" ? training : softQ;
            object? value = settings.GetType().GetProperty(setting.Name)?.GetValue(settings);
            if (value is null) continue;
            if (setting.Key == "Train:Out") value = outDirectory;
            if (setting.Key == "Train:InitFrom")
            {
                if (value is "") continue;
                value = Path.GetFullPath((string)value); // the learner's working directory may differ from launch's
            }
            arguments.Add(setting.Switch);
            arguments.Add(Setting.Format(value));
        }
        return arguments;
    }
}
