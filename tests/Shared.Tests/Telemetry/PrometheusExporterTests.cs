using System.Diagnostics.Metrics;
using SoftQDistributed.Shared.Telemetry;

namespace SoftQDistributed.Tests.Telemetry;

public sealed class PrometheusExporterTests : IDisposable
{
    // A meter of its own per test, so tests running in parallel never see each other's instruments.
    private readonly string _meterName = "test." + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly PrometheusExporter _exporter;

    public PrometheusExporterTests()
    {
        _meter = new Meter(_meterName);
        _exporter = new PrometheusExporter(new PrometheusExporterOptions(
            [new("role", "replay"), new("shard", "3")], [_meterName], IncludeRuntimeMetrics: false));
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void A_counter_ends_in_total_with_help_type_and_the_constant_labels()
    {
        Counter<long> inserted = _meter.CreateCounter<long>("replay.inserted_transitions", "{transition}", "Transitions inserted");
        inserted.Add(5);
        inserted.Add(7);

        string text = _exporter.Scrape();

        Assert.Contains("# HELP softq_replay_inserted_transitions_total Transitions inserted\n", text);
        Assert.Contains("# TYPE softq_replay_inserted_transitions_total counter\n", text);
        Assert.Contains("softq_replay_inserted_transitions_total{role=\"replay\",shard=\"3\"} 12\n", text);
    }

    [Fact]
    public void A_counter_never_incremented_is_exported_as_zero()
    {
        _meter.CreateCounter<long>("replay.snapshot.failures", null, "Snapshots that failed");
        Assert.Contains("softq_replay_snapshot_failures_total{role=\"replay\",shard=\"3\"} 0\n", _exporter.Scrape());
    }

    [Fact]
    public void Tags_become_labels_and_the_same_tags_in_another_order_are_the_same_series()
    {
        Counter<long> calls = _meter.CreateCounter<long>("rpc.server.calls", "{call}", "Calls");
        calls.Add(1, new("method", "Svc/Insert"), new("status", "OK"));
        calls.Add(2, new("status", "OK"), new("method", "Svc/Insert"));
        calls.Add(1, new("method", "Svc/Insert"), new("status", "UNAVAILABLE"));

        string text = _exporter.Scrape();

        Assert.Contains("softq_rpc_server_calls_total{role=\"replay\",shard=\"3\",method=\"Svc/Insert\",status=\"OK\"} 3\n", text);
        Assert.Contains("softq_rpc_server_calls_total{role=\"replay\",shard=\"3\",method=\"Svc/Insert\",status=\"UNAVAILABLE\"} 1\n", text);
        Assert.DoesNotContain("softq_rpc_server_calls_total{role=\"replay\",shard=\"3\"} ", text); // no untagged zero beside tagged series
        Assert.Single(text.Split('\n'), l => l.StartsWith("# TYPE softq_rpc_server_calls_total", StringComparison.Ordinal));
    }

    [Fact]
    public void Up_down_counters_and_observable_gauges_are_gauges()
    {
        UpDownCounter<int> buffered = _meter.CreateUpDownCounter<int>("actor.buffered_transitions", "{transition}", "Buffered");
        buffered.Add(10);
        buffered.Add(-3);
        double size = 42;
        _meter.CreateObservableGauge("replay.size", () => size, "{transition}", "Rows held");
        _meter.CreateObservableCounter("replay.rate_limiter.blocked", () => new[]
        {
            new Measurement<double>(1.5, new KeyValuePair<string, object?>("operation", "insert")),
            new Measurement<double>(0.25, new KeyValuePair<string, object?>("operation", "sample")),
        }, "s", "Blocked");

        string text = _exporter.Scrape();

        Assert.Contains("# TYPE softq_actor_buffered_transitions gauge\n", text);
        Assert.Contains("softq_actor_buffered_transitions{role=\"replay\",shard=\"3\"} 7\n", text);
        Assert.Contains("# TYPE softq_replay_size gauge\n", text);
        Assert.Contains("softq_replay_size{role=\"replay\",shard=\"3\"} 42\n", text);
        Assert.Contains("# TYPE softq_replay_rate_limiter_blocked_seconds_total counter\n", text);
        Assert.Contains("softq_replay_rate_limiter_blocked_seconds_total{role=\"replay\",shard=\"3\",operation=\"insert\"} 1.5\n", text);
        Assert.Contains("softq_replay_rate_limiter_blocked_seconds_total{role=\"replay\",shard=\"3\",operation=\"sample\"} 0.25\n", text);

        size = 43;
        Assert.Contains("softq_replay_size{role=\"replay\",shard=\"3\"} 43\n", _exporter.Scrape());
    }

    [Fact]
    public void A_histogram_has_cumulative_buckets_up_to_inf_a_sum_and_a_count()
    {
        Histogram<double> duration = _meter.CreateHistogram("learner.update_duration", "s", "Update time",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.1, 1] });
        foreach (double v in new[] { 0.005, 0.01, 0.05, 0.5, 3 }) duration.Record(v);

        string text = _exporter.Scrape();

        const string labels = "role=\"replay\",shard=\"3\"";
        Assert.Contains("# TYPE softq_learner_update_duration_seconds histogram\n", text);
        Assert.Contains(
            $"softq_learner_update_duration_seconds_bucket{{{labels},le=\"0.01\"}} 2\n" +
            $"softq_learner_update_duration_seconds_bucket{{{labels},le=\"0.1\"}} 3\n" +
            $"softq_learner_update_duration_seconds_bucket{{{labels},le=\"1\"}} 4\n" +
            $"softq_learner_update_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 5\n" +
            $"softq_learner_update_duration_seconds_sum{{{labels}}} 3.565\n" +
            $"softq_learner_update_duration_seconds_count{{{labels}}} 5\n", text);
    }

    [Fact]
    public void A_histogram_without_advice_gets_default_buckets_by_unit_and_milliseconds_become_seconds()
    {
        Histogram<double> push = _meter.CreateHistogram<double>("actor.push_duration", "ms", "Push latency");
        push.Record(250);

        string text = _exporter.Scrape();

        Assert.Contains("softq_actor_push_duration_seconds_bucket{role=\"replay\",shard=\"3\",le=\"0.25\"} 1\n", text);
        Assert.Contains("softq_actor_push_duration_seconds_bucket{role=\"replay\",shard=\"3\",le=\"0.1\"} 0\n", text);
        Assert.Contains("softq_actor_push_duration_seconds_sum{role=\"replay\",shard=\"3\"} 0.25\n", text);
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline_and_help_escapes_backslash_and_newline()
    {
        Counter<int> c = _meter.CreateCounter<int>("weird", null, "line one\nback\\slash");
        c.Add(1, new KeyValuePair<string, object?>("path.name", "C:\\dir \"q\"\nnext"));

        string text = _exporter.Scrape();

        Assert.Contains("# HELP softq_weird_total line one\\nback\\\\slash\n", text);
        Assert.Contains("softq_weird_total{role=\"replay\",shard=\"3\",path_name=\"C:\\\\dir \\\"q\\\"\\nnext\"} 1\n", text);
    }

    [Fact]
    public void A_tag_named_like_a_constant_label_is_kept_as_exported_label()
    {
        Counter<int> c = _meter.CreateCounter<int>("things");
        c.Add(1, new KeyValuePair<string, object?>("role", "other"));
        Assert.Contains("softq_things_total{role=\"replay\",shard=\"3\",exported_role=\"other\"} 1\n", _exporter.Scrape());
    }

    [Theory]
    [InlineData("replay.inserted_transitions", "{transition}", MetricKind.Counter, "softq_replay_inserted_transitions_total")]
    [InlineData("softq.learner.updates_total", null, MetricKind.Counter, "softq_learner_updates_total")]
    [InlineData("replay.snapshot.last_success_timestamp", "s", MetricKind.LastValue, "softq_replay_snapshot_last_success_timestamp_seconds")]
    [InlineData("learner.sample_wait", "s", MetricKind.Counter, "softq_learner_sample_wait_seconds_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", MetricKind.Counter, "softq_dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("dotnet.thread_pool.thread.count", "{thread}", MetricKind.UpDownSum, "softq_dotnet_thread_pool_thread_number")]
    [InlineData("Learner.Q-Loss", null, MetricKind.LastValue, "softq_learner_q_loss")]
    public void Instrument_names_map_to_prometheus_names(string instrument, string? unit, MetricKind kind, string expected)
    {
        Assert.Equal(expected, PrometheusNaming.MetricName(instrument, unit, kind, out _, out _));
    }

    [Fact]
    public async Task Concurrent_recordings_are_all_counted()
    {
        Counter<long> c = _meter.CreateCounter<long>("parallel");
        Histogram<double> h = _meter.CreateHistogram<double>("parallel_latency", "s");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                c.Add(1, new KeyValuePair<string, object?>("worker", t % 2));
                h.Record(0.001);
            }
        })));

        string text = _exporter.Scrape();

        Assert.Contains("softq_parallel_total{role=\"replay\",shard=\"3\",worker=\"0\"} 20000\n", text);
        Assert.Contains("softq_parallel_total{role=\"replay\",shard=\"3\",worker=\"1\"} 20000\n", text);
        Assert.Contains("softq_parallel_latency_seconds_count{role=\"replay\",shard=\"3\"} 40000\n", text);
    }

    [Fact]
    public void Recording_an_untagged_counter_and_histogram_allocates_nothing()
    {
        Counter<long> c = _meter.CreateCounter<long>("hot");
        Histogram<double> h = _meter.CreateHistogram<double>("hot_duration", "s");
        Counter<long> tagged = _meter.CreateCounter<long>("hot_tagged");
        var tag = new KeyValuePair<string, object?>("status", "OK");
        c.Add(1);
        h.Record(0.01);
        tagged.Add(1, tag);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            c.Add(1);
            h.Record(0.01);
            tagged.Add(1, tag);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_runtime_meter_is_exported_under_softq_dotnet()
    {
        using var exporter = new PrometheusExporter(new PrometheusExporterOptions([new("role", "learner")], [_meterName]));
        string text = exporter.Scrape();
        Assert.Contains("# TYPE softq_dotnet_gc_collections_total counter\n", text);
        Assert.Contains("softq_dotnet_process_cpu_time_seconds_total{role=\"learner\",cpu_mode=\"user\"} ", text);
    }

    [PrometheusToolFact]
    public async Task Promtool_accepts_the_output()
    {
        _meter.CreateCounter<long>("replay.inserted_transitions", "{transition}", "Transitions inserted").Add(3, new KeyValuePair<string, object?>("q", "a\"b\\c\nd"));
        _meter.CreateHistogram<double>("replay.snapshot.duration", "s", "Snapshot time").Record(0.3);
        _meter.CreateObservableGauge("replay.size", () => 5, "{transition}", "Rows held");
        using var exporter = new PrometheusExporter(new PrometheusExporterOptions([new("role", "replay"), new("shard", "0")], [_meterName]));

        (int exitCode, string output) = await ExternalTool.RunAsync(PrometheusToolFactAttribute.Promtool, ["check", "metrics"], exporter.Scrape());

        Assert.True(exitCode == 0, output);
    }
}
