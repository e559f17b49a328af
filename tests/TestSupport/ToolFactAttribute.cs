namespace SoftQDistributed.TestSupport;

/// <summary>A fact that runs only where the named command-line tools are on the PATH; skipped with the reason otherwise.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string tools, string install)
    {
        string[] missing = tools.Split(' ').Where(t => Find(t) is null).ToArray();
        if (missing.Length > 0) Skip = $"{string.Join(", ", missing)} not found on PATH; {install} (.ci/run does)";
    }

    public static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);
}
