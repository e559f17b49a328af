using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// Keeps <c>train</c> from overwriting a run by accident: an output directory holding any file a run leaves there
/// is refused, unless it is the run being resumed in place or <c>--force</c> says to replace it.
/// </summary>
public static class ExistingRun
{
    /// <summary>metrics.csv is written first, so even a run stopped before its first checkpoint counts.</summary>
    private static readonly string[] Files = [TrainingCheckpoint.FileName, TrainingCheckpoint.PolicyFileName, FinalReport.SummaryFileName, MetricsLog.FileName];

    /// <param name="resumedDirectory">The directory given to --resume, or null for a new run.</param>
    public static void RefuseToReplace(string outDirectory, string? resumedDirectory, bool force)
    {
        if (force || (resumedDirectory is not null && FullPath(resumedDirectory) == FullPath(outDirectory))) return;
        string[] found = [.. Files.Where(file => File.Exists(Path.Combine(outDirectory, file)))];
        if (found.Length > 0)
            throw new SettingsException($"--out {outDirectory} already holds a run ({string.Join(", ", found)}); continue it with --resume {outDirectory}, or give --force to replace it");
    }

    private static string FullPath(string directory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
}
