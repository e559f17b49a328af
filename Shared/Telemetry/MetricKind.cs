namespace SoftQDistributed.Shared.Telemetry;

/// <summary>How an instrument's measurements become a Prometheus metric family.</summary>
public enum MetricKind
{
    /// <summary>Counter: measurements are added; exported as a counter ending in <c>_total</c>.</summary>
    Counter,

    /// <summary>UpDownCounter: measurements are added; exported as a gauge.</summary>
    UpDownSum,

    /// <summary>Gauge&lt;T&gt; and every observable instrument: the last value wins.</summary>
    LastValue,

    /// <summary>Histogram: buckets, sum and count.</summary>
    Histogram,
}
