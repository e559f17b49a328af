using System.CommandLine;

namespace SoftQDistributed.Shared.CommandLine;

/// <summary>The options of a list of settings, added to a command and read back as configuration keys and values.</summary>
public sealed class SettingOptions(IEnumerable<Setting> settings)
{
    private readonly SettingOption[] _options = [.. settings.Select(s => new SettingOption(s))];

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (SettingOption option in _options) command.Options.Add(option);
    }

    /// <summary>The configuration keys and values of the options given on the command line (a flag alone is "true").</summary>
    public Dictionary<string, string> Given(ParseResult parse)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (SettingOption option in _options)
            if (parse.GetResult(option) is { Implicit: false })
                values[option.Setting.Key] = option.Value(parse);
        return values;
    }
}
