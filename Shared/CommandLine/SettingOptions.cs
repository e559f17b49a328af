using System.CommandLine;

namespace SoftQDistributed.Shared.CommandLine;

/// <summary>
/// The System.CommandLine options of a list of settings. Each takes its value as text: it becomes the configuration
/// key's value on the top layer, converted and checked by the same binding as a value from appsettings.json.
/// </summary>
public sealed class SettingOptions
{
    private readonly (Setting Setting, Option<string> Option)[] _options;

    public SettingOptions(IEnumerable<Setting> settings) =>
        _options = [.. settings.Select(s => (s, new Option<string>(s.Switch)
        {
            Description = $"{s.Description} [default: {s.Default}]",
            HelpName = s.ValueName,
            Arity = s.IsFlag ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
        }))];

    public IReadOnlyList<Setting> Settings => [.. _options.Select(o => o.Setting)];

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach ((_, Option<string> option) in _options) command.Options.Add(option);
    }

    /// <summary>The configuration keys and values of the options given on the command line (a flag alone is "true").</summary>
    public Dictionary<string, string> Given(ParseResult parse)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach ((Setting setting, Option<string> option) in _options)
            if (parse.GetResult(option) is { Implicit: false })
                values[setting.Key] = parse.GetValue(option) ?? "true";
        return values;
    }
}
