using System.Diagnostics.Metrics;
using System.Text;

namespace SoftQDistributed.Shared.Telemetry;

/// <summary>
/// What the exporter keeps for one instrument: its exported name, kind and buckets, and its series. The series
/// without tags is a field (the common case costs one add); tagged series are found by a scan of an immutable
/// array and added under a lock, at most <see cref="PrometheusExporterOptions.MaxSeriesPerInstrument"/> of them
/// (more go to one series labelled <c>otel_metric_overflow="true"</c>).
/// </summary>
internal sealed class InstrumentState
{
    private readonly object _gate = new();
    private readonly PrometheusExporter _owner;
    private readonly int _maxSeries;
    private MetricSeries[] _tagged = [];
    private MetricSeries? _overflow;

    public InstrumentState(PrometheusExporter owner, Instrument instrument, MetricKind kind, string name, double scale, double[]? bounds, int maxSeries)
    {
        _owner = owner;
        _maxSeries = maxSeries;
        Instrument = instrument;
        Kind = kind;
        Name = name;
        Scale = scale;
        Bounds = bounds;
        Help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
        Untagged = NewSeries([], []);
    }

    public Instrument Instrument { get; }

    public MetricKind Kind { get; }

    public string Name { get; }

    public string Help { get; }

    public double Scale { get; }

    public double[]? Bounds { get; }

    public MetricSeries Untagged { get; }

    public MetricSeries[] Tagged => Volatile.Read(ref _tagged);

    public MetricSeries? Overflow => Volatile.Read(ref _overflow);

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        MetricSeries series = tags.Length == 0 ? Untagged : Find(tags);
        value *= Scale;
        switch (Kind)
        {
            case MetricKind.Counter:
            case MetricKind.UpDownSum:
                if (Instrument.IsObservable) series.Set(value, _owner.Generation); // observables report the running total
                else series.Add(value);
                break;
            case MetricKind.LastValue:
                series.Set(value, _owner.Generation);
                break;
            case MetricKind.Histogram:
                series.Observe(value);
                break;
        }
    }

    private MetricSeries Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (MetricSeries s in Volatile.Read(ref _tagged))
            if (s.Matches(tags)) return s;
        lock (_gate)
        {
            foreach (MetricSeries s in _tagged)
                if (s.Matches(tags)) return s;
            if (_tagged.Length >= _maxSeries)
                return _overflow ??= NewSeries(["otel.metric.overflow"], ["true"]);
            string[] keys = new string[tags.Length];
            object?[] values = new object?[tags.Length];
            for (int i = 0; i < tags.Length; i++) (keys[i], values[i]) = (tags[i].Key, tags[i].Value);
            MetricSeries created = NewSeries(keys, values);
            Volatile.Write(ref _tagged, [.. _tagged, created]);
            return created;
        }
    }

    private MetricSeries NewSeries(string[] keys, object?[] values)
    {
        var labels = new StringBuilder(_owner.ConstantLabels);
        var used = new HashSet<string>(_owner.ConstantLabelNames, StringComparer.Ordinal);
        for (int i = 0; i < keys.Length; i++)
        {
            string label = PrometheusNaming.LabelName(keys[i]);
            if (label == "le" && Kind == MetricKind.Histogram) label = "exported_le";
            while (!used.Add(label)) label = "exported_" + label; // never two labels of one name
            if (labels.Length > 0) labels.Append(',');
            labels.Append(label).Append("=\"").Append(PrometheusNaming.EscapeLabelValue(PrometheusNaming.LabelText(values[i]))).Append('"');
        }
        return new MetricSeries(keys, values, labels.ToString(), Kind == MetricKind.Histogram ? Bounds : null);
    }
}
