using System.Text.Json;
using System.Text.Json.Serialization;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// A number without a value (NaN: no evaluation episode ran) as JSON null, rather than the string "NaN"; an infinity
/// stays the named literal.
/// </summary>
public sealed class NaNAsNullConverter : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Null => double.NaN,
            JsonTokenType.String => double.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            _ => reader.GetDouble(),
        };

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsNaN(value)) writer.WriteNullValue();
        else if (double.IsInfinity(value)) writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        else writer.WriteNumberValue(value);
    }
}
