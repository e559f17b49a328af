using System.Diagnostics;

namespace SoftQDistributed.Torch.Tests;

/// <summary>
/// A fact that runs only where a python3 can import torch; skipped with the reason otherwise. The python3 on PATH
/// comes first; Debian's /usr/bin/python3 (where apt's python3-torch lands) is tried when that one lacks torch.
/// </summary>
public sealed class PythonTorchFactAttribute : FactAttribute
{
    private static readonly Lazy<(string? Interpreter, string Reason)> Found = new(() =>
    {
        string reason = "";
        foreach (string candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                using Process python = Process.Start(new ProcessStartInfo(candidate, ["-c", "import torch"]) { RedirectStandardError = true })!;
                string error = python.StandardError.ReadToEnd();
                python.WaitForExit();
                if (python.ExitCode == 0) return (candidate, "");
                reason += $"{candidate} cannot import torch ({error.Trim().Split('\n').Last()}); ";
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                reason += $"{candidate} not found ({e.Message}); ";
            }
        }
        return (null, reason);
    });

    /// <summary>A python3 that imports torch.</summary>
    public static string Interpreter => Found.Value.Interpreter ?? throw new InvalidOperationException(Found.Value.Reason);

    public PythonTorchFactAttribute()
    {
        if (Found.Value.Interpreter is null) Skip = $"{Found.Value.Reason}install python3-torch (.ci/run does)";
    }
}
