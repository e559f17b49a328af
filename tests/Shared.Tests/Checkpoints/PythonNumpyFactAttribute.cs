using System.Diagnostics;

namespace SoftQDistributed.Shared.Tests.Checkpoints;

/// <summary>A fact that needs <c>/usr/bin/python3</c> with numpy; skipped, with the reason shown, where it is absent.</summary>
public sealed class PythonNumpyFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> MissingReason = new(FindMissingReason);

    public PythonNumpyFactAttribute()
    {
        if (MissingReason.Value is { } reason) Skip = reason;
    }

    private static string? FindMissingReason()
    {
        if (!File.Exists(Python)) return $"{Python} is not installed, so Python interop is not checked";
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import numpy");
        using Process process = Process.Start(start)!;
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            return $"{Python} did not answer within 30 s, so Python interop is not checked";
        }
        return process.ExitCode == 0 ? null : $"{Python} has no numpy, so Python interop is not checked";
    }
}
