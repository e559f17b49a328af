namespace SoftQDistributed.Shared.Environments;

/// <summary>An environment name that the registry does not know; the message lists the known names.</summary>
public sealed class UnknownEnvironmentException(string name, IEnumerable<string> knownNames)
    : ArgumentException($"Unknown environment '{name}'. Known environments: {string.Join(", ", knownNames)}.")
{
    public string RequestedName { get; } = name;
}
