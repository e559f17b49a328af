using System.Collections;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace SoftQDistributed.Shared.CommandLine;

/// <summary>
/// One setting of a program, as a user meets it: a command-line switch (<c>--capacity</c>), a key in appsettings.json
/// (<c>Shard:Capacity</c>), an environment variable (<c>SOFTQ__Shard__Capacity</c>), its default and its meaning.
/// Made from the settings records themselves (<see cref="Of{T}"/>), so help, <c>settings</c> and binding share one list.
/// </summary>
public sealed partial record Setting(string Switch, string Key, Type Type, string Default, string Description)
{
    /// <summary>The environment variable every role reads for this key.</summary>
    public string EnvironmentVariable => "SOFTQ__" + Key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The section of appsettings.json the key belongs to (<c>Shard</c>).</summary>
    public string Section => Key[..Key.IndexOf(':', StringComparison.Ordinal)];

    /// <summary>The key within its section (<c>Capacity</c>).</summary>
    public string Name => Key[(Key.IndexOf(':', StringComparison.Ordinal) + 1)..];

    /// <summary>A true/false setting: its switch may stand alone (<c>--force</c> means <c>--force true</c>).</summary>
    public bool IsFlag => Type == typeof(bool);

    /// <summary>
    /// The settings of a record bound from <paramref name="section"/>: one per public settable property, each with its
    /// <see cref="DescriptionAttribute"/> (required) and, where the switch is not the kebab-case name, a
    /// <see cref="SwitchAttribute"/>; defaults are a new record's values.
    /// </summary>
    public static IReadOnlyList<Setting> Of<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(string section)
        where T : new()
    {
        T defaults = new();
        var settings = new List<Setting>();
        foreach (PropertyInfo property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            string description = property.GetCustomAttribute<DescriptionAttribute>()?.Description
                ?? throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} has no [Description]");
            string name = property.GetCustomAttribute<SwitchAttribute>()?.Name ?? "--" + Kebab(property.Name);
            string shown = Format(property.GetValue(defaults));
            settings.Add(new Setting(name, $"{section}:{property.Name}", property.PropertyType, shown.Length == 0 ? "unset" : shown, description));
        }
        return settings;
    }

    /// <summary>A value as a user writes it: invariant numbers, lists comma-separated, empty for none.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => s,
        IEnumerable list => string.Join(",", list.Cast<object>().Select(Format)),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>What kind of value the switch takes, for help (<c>--capacity &lt;int&gt;</c>).</summary>
    public string ValueName
    {
        get
        {
            Type type = Nullable.GetUnderlyingType(Type) ?? Type;
            return type == typeof(int) || type == typeof(long) || type == typeof(ulong) ? "int"
                : type == typeof(float) || type == typeof(double) ? "number"
                : type == typeof(bool) ? "true|false"
                : typeof(IEnumerable).IsAssignableFrom(type) && type != typeof(string) ? "list"
                : "text";
        }
    }

    private static string Kebab(string name) => KebabBoundary().Replace(name, "$1-$2").ToLowerInvariant();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex KebabBoundary();
}
