namespace SoftQDistributed.TestSupport;

/// <summary>A fact that runs only where the Debian package <c>prometheus</c> put promtool (and, when asked, the server); skipped with the reason otherwise.</summary>
public sealed class PrometheusToolFactAttribute : FactAttribute
{
    public const string Promtool = "/usr/bin/promtool";
    public const string Server = "/usr/bin/prometheus";

    public PrometheusToolFactAttribute(bool needsServer = false)
    {
        const string install = "install the Debian package prometheus (.ci/run does)";
        if (!File.Exists(Promtool)) Skip = $"{Promtool} not found; {install}";
        else if (needsServer && !File.Exists(Server)) Skip = $"{Server} not found; {install}";
    }
}
