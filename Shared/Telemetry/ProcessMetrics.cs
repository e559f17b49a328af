using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SoftQDistributed.Shared.Telemetry;

/// <summary>
/// softq_process_start_time_seconds: the Unix time this process started, on <see cref="SoftQMeter.Shared"/>, one
/// per process (every role gets it from <see cref="TelemetryExtensions.AddSoftQTelemetry{TBuilder}"/>). It changes
/// only when a process restarts, so <c>changes(softq_process_start_time_seconds[30m])</c> counts the restarts of a
/// role, shard or node (a supervisor's restart, a pod's, a crash's) without a counter that would itself restart.
/// </summary>
public static class ProcessMetrics
{
    private static readonly double StartTimeSeconds = StartTime();
    private static readonly Lazy<ObservableGauge<double>> StartTimeGauge = new(() =>
        SoftQMeter.Shared.CreateObservableGauge("process.start_time", () => StartTimeSeconds, "s", "Unix time the process started"));

    /// <summary>Creates the process instruments once (later calls do nothing).</summary>
    public static void Ensure() => _ = StartTimeGauge.Value;

    private static double StartTime()
    {
        using var process = Process.GetCurrentProcess();
        DateTimeOffset started = new(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        return started.ToUnixTimeMilliseconds() / 1000.0;
    }
}
