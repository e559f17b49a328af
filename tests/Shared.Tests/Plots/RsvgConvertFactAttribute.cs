namespace SoftQDistributed.Shared.Tests.Plots;

/// <summary>A fact that renders SVG with <c>rsvg-convert</c>; skipped, with the reason shown, where it is not on PATH.</summary>
public sealed class RsvgConvertFactAttribute : FactAttribute
{
    public static readonly string? Executable = Find();

    public RsvgConvertFactAttribute()
    {
        if (Executable is null) Skip = "rsvg-convert is not on PATH (Debian package librsvg2-bin), so rendering is not checked";
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "rsvg-convert"))
            .FirstOrDefault(File.Exists);
}
