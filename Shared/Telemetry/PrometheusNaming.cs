using System.Globalization;
using System.Text;

namespace SoftQDistributed.Shared.Telemetry;

/// <summary>
/// How an instrument becomes a Prometheus metric name, and the text format's escaping rules.
/// <para>Name mapping (instrument name and unit → exported name):</para>
/// <list type="number">
/// <item>a leading <c>softq.</c> / <c>softq_</c> is dropped, the rest lower-cased, every character outside
///   <c>[a-z0-9_:]</c> becomes <c>_</c> (runs of <c>_</c> collapse), and <c>softq_</c> is put in front:
///   <c>replay.inserted_transitions</c> → <c>softq_replay_inserted_transitions</c>,
///   the runtime's <c>dotnet.gc.collections</c> → <c>softq_dotnet_gc_collections</c>;</item>
/// <item>the unit adds its base-unit suffix unless the name already ends with it: <c>s</c> → <c>_seconds</c>,
///   <c>ms</c>/<c>us</c>/<c>ns</c> → <c>_seconds</c> with values scaled, <c>By</c> → <c>_bytes</c>; annotations
///   such as <c>{transition}</c> and <c>1</c> add nothing;</item>
/// <item>counters end in <c>_total</c> (added once); a gauge ending in <c>_count</c> ends in <c>_number</c> instead
///   (<c>_count</c>, <c>_sum</c>, <c>_bucket</c> belong to histograms), and one ending in <c>_sum</c> or <c>_bucket</c>
///   gets <c>_value</c>.</item>
/// </list>
/// So <c>Counter("replay.rate_limiter.blocked", unit: "s")</c> is <c>softq_replay_rate_limiter_blocked_seconds_total</c>
/// and <c>Histogram("learner.update_duration", unit: "s")</c> is <c>softq_learner_update_duration_seconds</c>.
/// Tag keys become label names the same way (<c>gc.heap.generation</c> → <c>gc_heap_generation</c>).
/// </summary>
public static class PrometheusNaming
{
    public const string Prefix = "softq_";

    /// <summary>The exported family name; <paramref name="scale"/> converts a measurement to the base unit.</summary>
    public static string MetricName(string instrumentName, string? unit, MetricKind kind, out double scale, out string unitSuffix)
    {
        string name = instrumentName;
        if (name.StartsWith("softq.", StringComparison.OrdinalIgnoreCase) || name.StartsWith("softq_", StringComparison.OrdinalIgnoreCase)) name = name[6..];
        name = Prefix + Sanitize(name, allowColon: true).TrimStart('_');

        (unitSuffix, scale) = unit switch
        {
            "s" => ("seconds", 1.0),
            "ms" => ("seconds", 1e-3),
            "us" or "µs" => ("seconds", 1e-6),
            "ns" => ("seconds", 1e-9),
            "By" => ("bytes", 1.0),
            _ => ("", 1.0),
        };
        bool counter = kind == MetricKind.Counter;
        if (counter && name.EndsWith("_total", StringComparison.Ordinal)) name = name[..^"_total".Length];
        if (unitSuffix.Length > 0 && !name.EndsWith("_" + unitSuffix, StringComparison.Ordinal)) name += "_" + unitSuffix;
        if (counter) return name + "_total";
        if (kind == MetricKind.Histogram) return name;
        if (name.EndsWith("_count", StringComparison.Ordinal)) return name[..^"_count".Length] + "_number";
        if (name.EndsWith("_sum", StringComparison.Ordinal) || name.EndsWith("_bucket", StringComparison.Ordinal)) return name + "_value";
        return name;
    }

    /// <summary>A valid label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, lower-cased, never the reserved <c>__</c> prefix.</summary>
    public static string LabelName(string key)
    {
        string name = Sanitize(key, allowColon: false);
        if (name.StartsWith("__", StringComparison.Ordinal)) name = name.TrimStart('_');
        return name.Length == 0 ? "label" : name;
    }

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0) return value;
        return value.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);
    }

    /// <summary>HELP text escapes backslash and line feed.</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>A tag's value as label text (invariant culture).</summary>
    public static string LabelText(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A sample value: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static void AppendValue(StringBuilder text, double value)
    {
        if (double.IsPositiveInfinity(value)) text.Append("+Inf");
        else if (double.IsNegativeInfinity(value)) text.Append("-Inf");
        else if (double.IsNaN(value)) text.Append("NaN");
        else text.Append(value.ToString("R", CultureInfo.InvariantCulture));
    }

    private static string Sanitize(string raw, bool allowColon)
    {
        var name = new StringBuilder(raw.Length + 1);
        foreach (char c in raw)
        {
            char d = c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c;
            bool ok = d is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' || (allowColon && d == ':');
            if (!ok) d = '_';
            if (d == '_' && name.Length > 0 && name[^1] == '_') continue;
            name.Append(d);
        }
        if (name.Length > 0 && char.IsAsciiDigit(name[0])) name.Insert(0, '_');
        return name.ToString();
    }
}
