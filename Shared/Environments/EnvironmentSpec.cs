namespace SoftQDistributed.Shared.Environments;

/// <summary>A registered environment: its name, a line saying what it is, and how to build the raw environment.</summary>
public sealed record EnvironmentSpec(string Name, string Description, Func<IEnvironment> CreateRaw);
