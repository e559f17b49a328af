namespace SoftQDistributed.Shared.Environments;

/// <summary>A registered environment: its name, a line saying what it is, and how to build the raw environment.</summary>
public sealed record EnvironmentSpec(string Name, string Description, Func<IEnvironment> CreateRaw)
{
    /// <summary>
    /// For an environment with variants: builds the raw environment from the options after the colon of a name
    /// such as <c>multigoal:goals=0,2</c>, throwing ArgumentException for options it does not take. Null: no options.
    /// </summary>
    public Func<string, IEnvironment>? CreateVariant { get; init; }
}
