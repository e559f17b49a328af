using System.Text.Json;

namespace SoftQDistributed.TestSupport;

/// <summary>The PromQL the repository ships: the Grafana dashboard's panel expressions and the alert rules' expressions.</summary>
internal static class ShippedQueries
{
    /// <summary>Every <c>expr</c> of the shipped Grafana dashboard's panels.</summary>
    public static List<string> DashboardExpressions()
    {
        using JsonDocument dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.File("deploy", "grafana", "dashboard.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();
    }

    /// <summary>Every alert rule's expression in the shipped alerts.yml (one-line <c>expr:</c> values, as the file writes them).</summary>
    public static List<string> AlertExpressions() =>
        File.ReadAllLines(RepositoryRoot.File("deploy", "prometheus", "alerts.yml"))
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("expr:", StringComparison.Ordinal))
            .Select(l => l["expr:".Length..].Trim())
            .ToList();
}
