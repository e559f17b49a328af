using System.Diagnostics;

namespace SoftQDistributed.TestSupport;

/// <summary>Runs a command-line tool (or a process expected to exit by itself) with a bounded wait and returns its exit code and output.</summary>
internal static class ExternalTool
{
    /// <summary>The tool's exit code and its stdout followed by its stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, string? standardInput = null,
        string? workingDirectory = null, TimeSpan? within = null)
    {
        ProcessStartInfo info = ChildProcess.Executable(file, workingDirectory ?? Environment.CurrentDirectory, arguments);
        (int exitCode, string output, string error) = await RunAsync(info, standardInput, within ?? TimeSpan.FromSeconds(120));
        return (exitCode, output + error);
    }

    /// <summary>Runs <paramref name="info"/> (stdout and stderr redirected) to its exit: its exit code, stdout and stderr; killed and a <see cref="TimeoutException"/> after <paramref name="within"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo info, string? standardInput, TimeSpan within)
    {
        info.RedirectStandardInput = standardInput is not null;
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }
        try
        {
            await process.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{info.FileName} {string.Join(' ', info.ArgumentList)} did not finish within {within.TotalSeconds:F0} s:\n{await output}");
        }
        return (process.ExitCode, await output, await error);
    }
}
