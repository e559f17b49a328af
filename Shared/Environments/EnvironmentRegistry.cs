using SoftQDistributed.Shared.Environments.MuJoCo;

namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// Finds environments by name, case-insensitively, for <c>--env NAME</c>. A new environment plugs in with one
/// line in <see cref="Default"/> (or one <see cref="Register"/> call).
/// </summary>
public sealed class EnvironmentRegistry
{
    private readonly Dictionary<string, EnvironmentSpec> _specs = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The built-in environments.</summary>
    public static EnvironmentRegistry Default { get; } = BuiltIn();

    /// <summary>Registered names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _specs.Keys.Order(StringComparer.Ordinal)];

    public EnvironmentRegistry Register(EnvironmentSpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.Name)) throw new ArgumentException("an environment needs a name");
        if (!_specs.TryAdd(spec.Name, spec))
            throw new ArgumentException($"an environment named '{spec.Name}' is already registered");
        return this;
    }

    private static EnvironmentRegistry BuiltIn()
    {
        var registry = new EnvironmentRegistry()
            .Register(new("multigoal", "2-D point mass with four goals (Haarnoja et al. 2017), horizon 30", () => new MultiGoal()))
            .Register(new("tworoutes", "2-D point mass that reaches its goal round a wall by one of two routes, horizon 50", () => new TwoRoutes()))
            .Register(new("pendulum", "classic Gym pendulum swing-up, 200 steps", () => new Pendulum()));
        foreach (EnvironmentSpec spec in LocomotionTasks.Specs) registry.Register(spec);
        return registry;
    }

    public bool Contains(string name) => _specs.ContainsKey(name);

    /// <summary>The registered spelling of <paramref name="name"/> (<c>MultiGoal</c> → <c>multigoal</c>); an unknown name as given.</summary>
    public string Canonical(string name) => _specs.TryGetValue(name, out EnvironmentSpec? spec) ? spec.Name : name;

    /// <summary>The spec registered under <paramref name="name"/>; throws <see cref="UnknownEnvironmentException"/> otherwise.</summary>
    public EnvironmentSpec Get(string name) =>
        _specs.TryGetValue(name, out EnvironmentSpec? spec) ? spec : throw new UnknownEnvironmentException(name, Names);

    /// <summary>
    /// The agent-facing environment: actions in [-1, 1]^d mapped to the raw bounds, and the time limit of the
    /// raw environment's horizon (or <paramref name="maxEpisodeSteps"/>) reported as truncation.
    /// </summary>
    public IEnvironment Make(string name, int? maxEpisodeSteps = null) =>
        new TimeLimit(new RescaledActions(Get(name).CreateRaw()), maxEpisodeSteps);

    /// <summary><paramref name="count"/> agent-facing environments stepped in lockstep.</summary>
    public VectorEnvironment MakeVector(string name, int count, int? maxEpisodeSteps = null)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must be positive");
        EnvironmentSpec spec = Get(name);
        var environments = new IEnvironment[count];
        for (int i = 0; i < count; i++)
            environments[i] = new TimeLimit(new RescaledActions(spec.CreateRaw()), maxEpisodeSteps);
        return new VectorEnvironment(environments);
    }
}
