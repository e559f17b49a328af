using System.CommandLine;

namespace SoftQDistributed.Shared.CommandLine;

/// <summary>
/// The command-line option of a <see cref="CommandLine.Setting"/>. It takes its value as text: the value becomes the
/// configuration key's on the top layer, converted and checked by the same binding as a value from appsettings.json.
/// Given twice, the last one counts (a script may append an override); each occurrence takes one value.
/// </summary>
public sealed class SettingOption : Option<string[]>
{
    public SettingOption(Setting setting) : base(setting.Switch)
    {
        Setting = setting;
        Description = $"{setting.Description} [default: {setting.Default}]";
        HelpName = setting.ValueName;
        Arity = setting.IsFlag ? ArgumentArity.ZeroOrMore : ArgumentArity.OneOrMore;
    }

    /// <summary>The value given last; a flag given alone is "true".</summary>
    public string Value(ParseResult parse) => parse.GetValue(this) is { Length: > 0 } values ? values[^1] : "true";

    public Setting Setting { get; }
}
