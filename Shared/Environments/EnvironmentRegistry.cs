using SoftQDistributed.Shared.Environments.MuJoCo;

namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// Finds environments by name, case-insensitively, for <c>--env NAME</c>. A new environment plugs in with one
/// line in <see cref="Default"/> (or one <see cref="Register"/> call). A name may carry options after a colon
/// (<c>multigoal:goals=0,2</c>), for the environments whose spec reads them: the whole name travels as one string,
/// to actor processes and into checkpoints alike.
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
            .Register(new("multigoal", "2-D point mass with four goals (Haarnoja et al. 2017), horizon 30; multigoal:goals=0,2 keeps only goals 0 and 2",
                () => new MultiGoal()) { CreateVariant = MultiGoal.FromOptions })
            .Register(new("tworoutes", "2-D point mass that reaches its goal round a wall by one of two routes, horizon 50; tworoutes:start_sigma=0 starts every episode at the same point",
                () => new TwoRoutes()) { CreateVariant = TwoRoutes.FromOptions })
            .Register(new("pendulum", "classic Gym pendulum swing-up, 200 steps", () => new Pendulum()));
        foreach (EnvironmentSpec spec in LocomotionTasks.Specs) registry.Register(spec);
        return registry;
    }

    public bool Contains(string name) => _specs.ContainsKey(BaseName(name));

    /// <summary>
    /// The registered spelling of <paramref name="name"/> (<c>MultiGoal</c> → <c>multigoal</c>, options kept:
    /// <c>MultiGoal:goals=0,2</c> → <c>multigoal:goals=0,2</c>); an unknown name as given.
    /// </summary>
    public string Canonical(string name)
    {
        string[] parts = name.Split(':', 2);
        return _specs.TryGetValue(parts[0], out EnvironmentSpec? spec) ? spec.Name + (parts.Length == 2 ? ":" + parts[1] : "") : name;
    }

    /// <summary>The registered name in <paramref name="name"/>, without its options: <c>multigoal</c> of <c>multigoal:goals=0,2</c>.</summary>
    public static string BaseName(string name) => name.Split(':', 2)[0];

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are variants of one task (<c>multigoal</c>, <c>MultiGoal:goals=2</c>).</summary>
    public static bool SameTask(string a, string b) => BaseName(a).Equals(BaseName(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The spec of <paramref name="name"/>, options included (its <see cref="EnvironmentSpec.CreateRaw"/> builds that
    /// variant); throws <see cref="UnknownEnvironmentException"/> for an unknown name or options its spec refuses.
    /// </summary>
    public EnvironmentSpec Get(string name)
    {
        string[] parts = name.Split(':', 2);
        if (!_specs.TryGetValue(parts[0], out EnvironmentSpec? spec)) throw new UnknownEnvironmentException(name, Names);
        if (parts.Length == 1) return spec;
        if (spec.CreateVariant is null) throw new UnknownEnvironmentException(name, $"{spec.Name} takes no options");
        try
        {
            (spec.CreateVariant(parts[1]) as IDisposable)?.Dispose(); // refuses bad options here, before any work; a MuJoCo probe frees its model
        }
        catch (ArgumentException e)
        {
            throw new UnknownEnvironmentException(name, e.Message);
        }
        return spec with { Name = name, CreateRaw = () => spec.CreateVariant(parts[1]) };
    }

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
