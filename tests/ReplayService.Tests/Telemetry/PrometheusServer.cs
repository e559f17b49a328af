using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace SoftQDistributed.ReplayService.Tests.Telemetry;

/// <summary>
/// A real Prometheus server on 127.0.0.1 (a free port, a temporary TSDB) with the shipped alert rules, and what the
/// telemetry tests ask it: queries through its HTTP API, rule health, the shipped dashboard's and alert rules'
/// expressions, and <c>promtool</c>. Shared (linked) by the replay, learner and actor tests; every wait is bounded.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private PrometheusServer(Process process, Uri api)
    {
        _process = process;
        Api = api;
    }

    public Uri Api { get; }

    /// <summary>The server's last log lines, for failure messages.</summary>
    public string Log
    {
        get { lock (_log) return string.Join('\n', _log.TakeLast(30)); }
    }

    /// <summary>
    /// Starts a server that scrapes every second, evaluates the shipped alerts.yml, and has one job per entry of
    /// <paramref name="jobs"/> (job name → HTTP base URLs of the targets; honor_labels as the shipped config).
    /// </summary>
    public static PrometheusServer Start(string directory, IReadOnlyDictionary<string, IReadOnlyList<Uri>> jobs)
    {
        Directory.CreateDirectory(directory);
        int port = FreePort();
        string config = Path.Combine(directory, "prometheus.yml");
        var text = new System.Text.StringBuilder($"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: ["{ShippedFile("deploy", "prometheus", "alerts.yml")}"]
            scrape_configs:

            """);
        foreach ((string job, IReadOnlyList<Uri> targets) in jobs)
        {
            text.Append($"  - job_name: {job}\n    honor_labels: true\n    static_configs:\n      - targets: [");
            text.Append(string.Join(", ", targets.Select(t => $"\"{t.Authority}\""))).Append("]\n");
        }
        File.WriteAllText(config, text.ToString());
        var info = new ProcessStartInfo(PrometheusToolFactAttribute.Server)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "tsdb")}",
                     $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=1h" })
            info.ArgumentList.Add(arg);
        Process process = Process.Start(info) ?? throw new InvalidOperationException("could not start prometheus");
        var server = new PrometheusServer(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (server._log) server._log.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._log) server._log.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
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

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        _process.Dispose();
    }

    /// <summary>A file of the repository (found by walking up to SoftQDistributed.sln).</summary>
    public static string ShippedFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoftQDistributed.sln"))) return Path.Combine([dir.FullName, .. parts]);
        throw new InvalidOperationException($"no SoftQDistributed.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Every <c>expr</c> of the shipped Grafana dashboard's panels.</summary>
    public static List<string> DashboardExpressions()
    {
        using JsonDocument dashboard = JsonDocument.Parse(File.ReadAllText(ShippedFile("deploy", "grafana", "dashboard.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();
    }

    /// <summary>Every alert rule's expression in the shipped alerts.yml (one-line <c>expr:</c> values).</summary>
    public static List<string> AlertExpressions() =>
        File.ReadAllLines(ShippedFile("deploy", "prometheus", "alerts.yml"))
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("expr:", StringComparison.Ordinal))
            .Select(l => l["expr:".Length..].Trim())
            .ToList();

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
        RunAsync(PrometheusToolFactAttribute.Promtool, ["check", "metrics"], text);

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string standardInput)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
