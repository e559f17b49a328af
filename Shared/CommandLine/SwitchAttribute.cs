namespace SoftQDistributed.Shared.CommandLine;

/// <summary>The command-line switch of a setting whose switch is not its property's kebab-case name (<c>--flush-ms</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SwitchAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
