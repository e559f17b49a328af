using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace SoftQDistributed.TestSupport;

/// <summary>
/// A real Prometheus server on 127.0.0.1 (a free port, a temporary TSDB) with the shipped alert rules, and what the
/// telemetry tests ask it: queries through its HTTP API, rule health, the shipped dashboard's and alert rules'
/// expressions, and <c>promtool</c>. Used by the replay shard and live-cluster tests; every wait is bounded.
/// </summary>
internal sealed class PrometheusServer : ChildProcess
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private PrometheusServer(ProcessStartInfo info, Uri api) : base(info, "prometheus")
    {
        Api = api;
    }

    public Uri Api { get; }

    /// <summary>The server's last log lines, for failure messages.</summary>
    public string Log => string.Join('\n', Output.Split('\n').TakeLast(30));

    /// <summary>
    /// Starts a server that scrapes every second, evaluates the shipped alerts.yml (or <paramref name="rules"/>), and
    /// has one job per entry of <paramref name="jobs"/> (job name → HTTP base URLs of the targets; honor_labels as the
    /// shipped config).
    /// </summary>
    public static PrometheusServer Start(string directory, IReadOnlyDictionary<string, IReadOnlyList<Uri>> jobs, string? rules = null)
    {
        Directory.CreateDirectory(directory);
        int port = FreePort.Take();
        string config = Path.Combine(directory, "prometheus.yml");
        var text = new System.Text.StringBuilder($"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: ["{rules ?? RepositoryRoot.File("deploy", "prometheus", "alerts.yml")}"]
            scrape_configs:

            """);
        foreach ((string job, IReadOnlyList<Uri> targets) in jobs)
        {
            text.Append($"  - job_name: {job}\n    honor_labels: true\n    static_configs:\n      - targets: [");
            text.Append(string.Join(", ", targets.Select(t => $"\"{t.Authority}\""))).Append("]\n");
        }
        File.WriteAllText(config, text.ToString());
        ProcessStartInfo info = Executable(PrometheusToolFactAttribute.Server, directory, [$"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory, "tsdb")}", $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=1h"]);
        return new PrometheusServer(info, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>The query's JSON answer (<c>status</c>, <c>data</c>), or null while the server does not answer.</summary>
    public async Task<JsonDocument?> QueryAsync(string query)
    {
        try
        {
            string body = await _http.GetStringAsync(new Uri(Api, "api/v1/query?query=" + Uri.EscapeDataString(query)));
            return JsonDocument.Parse(body);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity)
        {
            throw new InvalidOperationException($"prometheus refused '{query}': {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null; // not listening yet
        }
    }

    /// <summary>Whether the query evaluates and returns at least one series.</summary>
    public async Task<bool> HasDataAsync(string query)
    {
        using JsonDocument? json = await QueryAsync(query);
        return json is not null && json.RootElement.GetProperty("status").GetString() == "success"
            && json.RootElement.GetProperty("data").GetProperty("result").GetArrayLength() > 0;
    }

    /// <summary>Polls (every 500 ms, at most <paramref name="within"/>) until each query has data; returns those that never did.</summary>
    public async Task<List<string>> WaitForDataAsync(IEnumerable<string> queries, TimeSpan within)
    {
        var missing = new List<string>(queries);
        var deadline = Stopwatch.StartNew();
        while (missing.Count > 0 && deadline.Elapsed < within)
        {
            await Task.Delay(500);
            foreach (string query in missing.ToArray())
                if (await HasDataAsync(query)) missing.Remove(query);
        }
        return missing;
    }

    /// <summary>Waits (bounded) until the shipped rules are loaded and evaluated; returns those not healthy ("name: health error").</summary>
    public async Task<string[]> UnhealthyRulesAsync(int atLeast, TimeSpan within)
    {
        string[] unhealthy = ["rules not loaded"];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            try
            {
                using JsonDocument rules = JsonDocument.Parse(await _http.GetStringAsync(new Uri(Api, "api/v1/rules")));
                var all = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
                    .SelectMany(g => g.GetProperty("rules").EnumerateArray())
                    .Select(r => (Name: r.GetProperty("name").GetString(), Health: r.GetProperty("health").GetString(), Error: r.TryGetProperty("lastError", out JsonElement e) ? e.GetString() : ""))
                    .ToList();
                unhealthy = all.Count < atLeast ? [$"{all.Count} rules loaded"] : all.Where(r => r.Health != "ok").Select(r => $"{r.Name}: {r.Health} {r.Error}").ToArray();
                if (unhealthy.Length == 0) break;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(500);
        }
        return unhealthy;
    }

    public override async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>Scrapes <c>/metrics</c> of a process's HTTP URL, checking the content type.</summary>
    public static async Task<string> ScrapeAsync(Uri http)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using HttpResponseMessage response = await client.GetAsync(new Uri(http, "/metrics"));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0.0.4", response.Content.Headers.ContentType?.Parameters.Single(p => p.Name == "version").Value);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary><c>promtool check metrics</c> on the text: its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> CheckMetricsAsync(string text) =>
        ExternalTool.RunAsync(PrometheusToolFactAttribute.Promtool, ["check", "metrics"], text);
}
