using System.Diagnostics.Metrics;
using System.Text;

namespace SoftQDistributed.Shared.Telemetry;

/// <summary>
/// Turns <see cref="System.Diagnostics.Metrics"/> instruments into the Prometheus text exposition format
/// (version 0.0.4): a <see cref="MeterListener"/> keeps every series in memory as measurements arrive, and
/// <see cref="Scrape"/> reads the observable instruments and writes HELP, TYPE and sample lines, families sorted
/// by name. Names follow <see cref="PrometheusNaming"/>. Thread-safe; recording costs a dictionary-free lookup
/// and an interlocked add, and allocates nothing once a series exists.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly object _scrapeGate = new();
    private readonly object _instrumentsGate = new();
    private readonly MeterListener _listener = new();
    private readonly PrometheusExporterOptions _options;
    private readonly HashSet<string> _meters;
    private List<InstrumentState> _instruments = [];
    private long _generation;

    public PrometheusExporter(PrometheusExporterOptions? options = null)
    {
        _options = options ?? new PrometheusExporterOptions();
        _meters = new HashSet<string>(_options.Meters ?? [SoftQMeter.Name], StringComparer.Ordinal);
        if (_options.IncludeRuntimeMetrics) _meters.Add(SoftQMeter.RuntimeName);

        var names = new List<string>();
        var labels = new StringBuilder();
        foreach ((string key, string value) in _options.ConstantLabels ?? [])
        {
            string name = PrometheusNaming.LabelName(key);
            if (names.Contains(name)) throw new ArgumentException($"constant label '{name}' is given twice", nameof(options));
            names.Add(name);
            if (labels.Length > 0) labels.Append(',');
            labels.Append(name).Append("=\"").Append(PrometheusNaming.EscapeLabelValue(value)).Append('"');
        }
        ConstantLabelNames = names;
        ConstantLabels = labels.ToString();

        _listener.InstrumentPublished = OnPublished;
        _listener.MeasurementsCompleted = OnCompleted;
        _listener.SetMeasurementEventCallback<double>(static (_, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, m, tags, state) => ((InstrumentState)state!).Record((double)m, tags));
        _listener.Start();
    }

    /// <summary>The constant labels rendered (<c>role="replay",shard="0"</c>), first on every series.</summary>
    internal string ConstantLabels { get; }

    internal IReadOnlyList<string> ConstantLabelNames { get; }

    /// <summary>Counts scrapes; observable series not reported in the latest one are left out.</summary>
    internal long Generation => Volatile.Read(ref _generation);

    /// <summary>Every exported series now, in the text exposition format.</summary>
    public string Scrape()
    {
        lock (_scrapeGate)
        {
            Interlocked.Increment(ref _generation);
            _listener.RecordObservableInstruments();
            List<InstrumentState> instruments;
            lock (_instrumentsGate) instruments = _instruments;
            var text = new StringBuilder(16 * 1024);
            foreach (IGrouping<string, InstrumentState> family in instruments.GroupBy(i => i.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
                WriteFamily(text, family.Key, family.ToList());
            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnPublished(Instrument instrument, MeterListener listener)
    {
        if (!_meters.Contains(instrument.Meter.Name) || KindOf(instrument) is not { } kind) return;
        string name = PrometheusNaming.MetricName(instrument.Name, instrument.Unit, kind, out double scale, out string unitSuffix);
        double[]? bounds = kind == MetricKind.Histogram ? BucketsFor(instrument, name, unitSuffix, scale) : null;
        var state = new InstrumentState(this, instrument, kind, name, scale, bounds, _options.MaxSeriesPerInstrument);
        lock (_instrumentsGate) _instruments = [.. _instruments, state];
        listener.EnableMeasurementEvents(instrument, state);
    }

    private void OnCompleted(Instrument instrument, object? state)
    {
        lock (_instrumentsGate) _instruments = _instruments.Where(i => !ReferenceEquals(i, state)).ToList();
    }

    private static MetricKind? KindOf(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType) return null;
        Type type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>)) return MetricKind.Counter;
        if (type == typeof(UpDownCounter<>) || type == typeof(ObservableUpDownCounter<>)) return MetricKind.UpDownSum;
        if (type == typeof(Gauge<>) || type == typeof(ObservableGauge<>)) return MetricKind.LastValue;
        if (type == typeof(Histogram<>)) return MetricKind.Histogram;
        return null;
    }

    private double[] BucketsFor(Instrument instrument, string name, string unitSuffix, double scale)
    {
        if (_options.HistogramBuckets?.TryGetValue(name, out double[]? configured) == true) return Sorted(configured);
        double[]? advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        // Advice is in the instrument's unit; buckets are in the exported (base) unit.
        return advised is { Length: > 0 } ? Sorted(advised.Select(b => b * scale)) : HistogramBuckets.For(name, unitSuffix);
    }

    private static double[] Sorted(IEnumerable<double> bounds) => bounds.Where(double.IsFinite).Distinct().Order().ToArray();

    private void WriteFamily(StringBuilder text, string name, List<InstrumentState> instruments)
    {
        MetricKind kind = instruments[0].Kind;
        long generation = Generation;
        var lines = new StringBuilder();
        foreach (InstrumentState instrument in instruments)
        {
            if (instrument.Kind != kind) continue; // two instruments, one name, different types: the first type wins
            bool observable = instrument.Instrument.IsObservable;
            MetricSeries[] tagged = instrument.Tagged;
            IEnumerable<MetricSeries> series = tagged;
            if (instrument.Overflow is { } overflow) series = series.Append(overflow);
            // The untagged series shows once used, or as a zero while nothing is tagged: a counter exists from the start.
            if (observable || instrument.Untagged.Touched || tagged.Length == 0) series = series.Prepend(instrument.Untagged);
            foreach (MetricSeries s in series)
            {
                if (observable && s.Generation != generation) continue;
                if (kind == MetricKind.Histogram) WriteHistogram(lines, name, instrument.Bounds!, s);
                else WriteSample(lines, name, "", s.Labels, s.Value);
            }
        }
        if (lines.Length == 0) return;
        string type = kind switch { MetricKind.Counter => "counter", MetricKind.Histogram => "histogram", _ => "gauge" };
        text.Append("# HELP ").Append(name).Append(' ').Append(PrometheusNaming.EscapeHelp(instruments[0].Help)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        text.Append(lines);
    }

    private static void WriteHistogram(StringBuilder text, string name, double[] bounds, MetricSeries series)
    {
        long[] cumulative = series.CumulativeBuckets();
        string separator = series.Labels.Length > 0 ? "," : "";
        for (int i = 0; i <= bounds.Length; i++)
        {
            text.Append(name).Append("_bucket{").Append(series.Labels).Append(separator).Append("le=\"");
            if (i < bounds.Length) PrometheusNaming.AppendValue(text, bounds[i]);
            else text.Append("+Inf");
            text.Append("\"} ").Append(cumulative[i]).Append('\n');
        }
        WriteSample(text, name, "_sum", series.Labels, series.Sum);
        text.Append(name).Append("_count");
        if (series.Labels.Length > 0) text.Append('{').Append(series.Labels).Append('}');
        text.Append(' ').Append(cumulative[^1]).Append('\n');
    }

    private static void WriteSample(StringBuilder text, string name, string suffix, string labels, double value)
    {
        text.Append(name).Append(suffix);
        if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
        text.Append(' ');
        PrometheusNaming.AppendValue(text, value);
        text.Append('\n');
    }
}
