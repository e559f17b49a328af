using System.Diagnostics.Metrics;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Tests.Telemetry;

/// <summary>A role's prometheus-net registry: constant labels, runtime collectors, text a real promtool accepts.</summary>
public sealed class RoleMetricsTests
{
    [Fact]
    public async Task Every_series_carries_the_roles_labels_with_its_name_type_and_help()
    {
        var metrics = new RoleMetrics("replay", ("shard", "3"));
        metrics.Factory.CreateCounter("softq_test_rejected_total", "Calls refused", ["reason"]).WithLabels("bad \"input\"\n").Inc(2);
        metrics.Factory.CreateHistogram("softq_test_duration_seconds", "Time taken", new Prometheus.HistogramConfiguration { Buckets = [0.1, 1] }).Observe(0.5);
        var size = metrics.Factory.CreateGauge("softq_test_size", "Rows held");
        long rows = 0;
        metrics.BeforeScrape(() => size.Set(rows));
        rows = 7;

        string text = await metrics.ScrapeAsync();

        Assert.Contains("# HELP softq_test_rejected_total Calls refused\n# TYPE softq_test_rejected_total counter\n", text);
        Assert.Contains("softq_test_rejected_total{reason=\"bad \\\"input\\\"\\n\",role=\"replay\",shard=\"3\"} 2\n", text);
        Assert.Contains("# TYPE softq_test_duration_seconds histogram\n", text);
        Assert.Contains("softq_test_duration_seconds_bucket{role=\"replay\",shard=\"3\",le=\"1\"} 1\n", text);
        Assert.Contains("softq_test_duration_seconds_count{role=\"replay\",shard=\"3\"} 1\n", text);
        Assert.Contains("softq_test_size{role=\"replay\",shard=\"3\"} 7\n", text); // read before the scrape
    }

    [Fact]
    public async Task The_runtime_and_process_collectors_come_with_the_roles_labels_and_meters_stay_out()
    {
        var metrics = new RoleMetrics("learner");
        using var meter = new Meter("SoftQDistributed.Tests.RoleMetrics");
        meter.CreateCounter<long>("softq_meter_counter").Add(1); // prometheus-net's meter adapter is not used

        string text = await metrics.ScrapeAsync();

        Assert.Contains("\nprocess_start_time_seconds{role=\"learner\"} ", text);
        Assert.Contains("\nprocess_cpu_seconds_total{role=\"learner\"} ", text);
        Assert.Contains("\nprocess_working_set_bytes{role=\"learner\"} ", text);
        Assert.Contains("\ndotnet_collection_count_total{generation=\"0\",role=\"learner\"} ", text);
        Assert.DoesNotContain("softq_meter_counter", text);
    }

    [Fact]
    public async Task Two_roles_in_one_process_keep_their_own_series()
    {
        var replay = new RoleMetrics("replay", ("shard", "0"));
        var actor = new RoleMetrics("actor", ("node", "1"));
        replay.Factory.CreateCounter("softq_test_calls_total", "Calls").Inc();

        Assert.Contains("softq_test_calls_total{role=\"replay\",shard=\"0\"} 1\n", await replay.ScrapeAsync());
        Assert.DoesNotContain("softq_test_calls_total", await actor.ScrapeAsync());
    }

    [Fact]
    public void A_label_given_twice_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new RoleMetrics("actor", ("node", "1"), ("node", "2")));
        Assert.Contains("'node' is given twice", error.Message);
    }

    [PrometheusToolFact]
    public async Task Promtool_accepts_a_roles_text()
    {
        var metrics = new RoleMetrics("replay", ("shard", "0"));
        metrics.Factory.CreateCounter("softq_test_rejected_total", "Calls refused", ["reason"]).WithLabels("deadline").Inc();
        metrics.Factory.CreateHistogram("softq_test_duration_seconds", "Time taken").Observe(0.01);

        string text = await metrics.ScrapeAsync();
        (int exitCode, string output) = await PrometheusServer.CheckMetricsAsync(text);

        Assert.True(exitCode == 0, $"promtool check metrics:\n{output}\n--- metrics ---\n{text}");
    }
}
