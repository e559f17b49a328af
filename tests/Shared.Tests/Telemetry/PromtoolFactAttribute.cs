namespace SoftQDistributed.Tests.Telemetry;

/// <summary>A fact that runs only where promtool is installed (Debian package <c>prometheus</c>); skipped with the reason otherwise.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public const string Promtool = "/usr/bin/promtool";

    public PromtoolFactAttribute()
    {
        if (!File.Exists(Promtool)) Skip = $"{Promtool} not found; install the Debian package prometheus (.ci/run does)";
    }
}
