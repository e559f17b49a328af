namespace SoftQDistributed.Shared.Environments;

/// <summary>An environment name that the registry does not know, or a known one with options it does not take.</summary>
public sealed class UnknownEnvironmentException : ArgumentException
{
    /// <summary>An unknown name; the message lists the known names.</summary>
    public UnknownEnvironmentException(string name, IEnumerable<string> knownNames)
        : base($"Unknown environment '{name}'. Known environments: {string.Join(", ", knownNames)}.") => RequestedName = name;

    /// <summary>A known environment whose options after the colon say <paramref name="reason"/>.</summary>
    public UnknownEnvironmentException(string name, string reason)
        : base($"Environment '{name}': {reason}") => RequestedName = name;

    public string RequestedName { get; }
}
