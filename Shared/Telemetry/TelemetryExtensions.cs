using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SoftQDistributed.Shared.Telemetry;

/// <summary>
/// The one way every role exports metrics: <c>builder.AddSoftQTelemetry("replay", ("shard", "0"))</c> while
/// building, <c>app.MapPrometheusMetrics()</c> when mapping routes. Every role also exports
/// <c>softq_process_start_time_seconds</c> (<see cref="ProcessMetrics"/>). Instruments go on a <c>Meter</c> named
/// <see cref="SoftQMeter.Name"/>; the runtime's own meter comes along.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Starts listening now (so nothing recorded during start-up is missed) with the process's constant labels.</summary>
    public static TBuilder AddSoftQTelemetry<TBuilder>(this TBuilder builder, string role, params (string Name, string Value)[] labels)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        var constant = new List<KeyValuePair<string, string>> { new("role", role) };
        constant.AddRange(labels.Select(l => new KeyValuePair<string, string>(l.Name, l.Value)));
        var exporter = new PrometheusExporter(new PrometheusExporterOptions(constant));
        ProcessMetrics.Ensure(); // softq_process_start_time_seconds, for counting restarts
        builder.Services.AddSingleton(_ => exporter); // a factory registration, so the host disposes the listener
        return builder;
    }

    /// <summary>Serves the registered exporter's text at <c>GET /metrics</c> on every endpoint the server listens on.</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        PrometheusExporter exporter = endpoints.ServiceProvider.GetRequiredService<PrometheusExporter>();
        return endpoints.MapGet(pattern, () => Results.Text(exporter.Scrape(), PrometheusExporter.ContentType));
    }
}
