using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace SoftQDistributed.Shared.Telemetry;

/// <summary>
/// The one way every role exports metrics: <c>builder.AddSoftQTelemetry("replay", ("shard", "0"))</c> while
/// building registers the role's <see cref="RoleMetrics"/>, <c>app.MapPrometheusMetrics()</c> serves it with
/// prometheus-net's <c>MapMetrics</c> at <c>GET /metrics</c> on every endpoint the server listens on.
/// </summary>
public static class TelemetryExtensions
{
    public static TBuilder AddSoftQTelemetry<TBuilder>(this TBuilder builder, string role, params (string Name, string Value)[] labels)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new RoleMetrics(role, labels));
        return builder;
    }

    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapMetrics(pattern, endpoints.ServiceProvider.GetRequiredService<RoleMetrics>().Registry);
    }
}
