using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner.Settings;

/// <summary>
/// Loads settings the ASP.NET Core way, lowest first: the records' defaults, per-environment defaults,
/// appsettings.json (current directory), environment variables (<c>SOFTQ__Train__EnvSteps</c>), the command
/// line (<c>--env-steps 5000</c>). Sections: <c>Train</c> (<see cref="TrainingSettings"/>) and <c>SoftQ</c>
/// (<see cref="SoftQSettings"/>); <c>serve</c> also reads <c>Serve</c> (<see cref="ServeSettings"/>) and <c>Cluster</c>.
/// Unknown switches and malformed values are <see cref="SettingsException"/>s.
/// </summary>
public static partial class SettingsLoader
{
    private static readonly (string Section, Type Type)[] Sections = [("Train", typeof(TrainingSettings)), ("SoftQ", typeof(SoftQSettings))];
    private static readonly (string Section, Type Type)[] ServeSections = [("Serve", typeof(ServeSettings))];

    /// <summary>Keys of the true/false settings: their switch may stand alone, <c>--force</c> meaning <c>--force true</c>.</summary>
    private static readonly HashSet<string> FlagKeys =
        [.. Sections.Concat(ServeSections).SelectMany(s => Settable(s.Type).Where(p => p.PropertyType == typeof(bool)).Select(p => $"{s.Section}:{p.Name}"))];

    /// <summary>Serve switches that are not a property's kebab-case name: how the learner joins the cluster (as every role).</summary>
    private static readonly IReadOnlyDictionary<string, string> ServeAliases = ClusterSwitches.Mappings;

    /// <param name="directory">Where appsettings.json is looked for; the current directory by default.</param>
    public static (TrainingSettings Training, SoftQSettings SoftQ) Load(IReadOnlyList<string> args, string? directory = null)
    {
        (_, TrainingSettings training, SoftQSettings softQ) = Load(args, directory, Switches());
        return (training, softQ);
    }

    /// <summary>The settings of <c>serve</c>: every <c>train</c> setting, the <c>Serve</c> and the <c>Cluster</c> sections.</summary>
    public static ServeConfiguration LoadServe(IReadOnlyList<string> args, string? directory = null)
    {
        var known = new Dictionary<string, string>(Switches(), StringComparer.Ordinal);
        foreach ((string name, string key) in ServeSwitches()) known[name] = key;
        (IConfiguration configuration, TrainingSettings training, SoftQSettings softQ) = Load(args, directory, known);
        var serve = Bind(configuration.GetSection("Serve"), new ServeSettings());
        serve.Validate();
        try
        {
            ClusterSettings cluster = configuration.ReadClusterSettings();
            cluster.RequireSeeds("the learner");
            return new ServeConfiguration(training, softQ, serve, cluster);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new SettingsException(e.Message);
        }
    }

    /// <summary>The shards' gRPC-edge token (Auth:Token), or null; a shipped placeholder is a <see cref="SettingsException"/>.</summary>
    public static string? ReadAuthToken(IConfiguration configuration)
    {
        try
        {
            return ReplayAuthToken.From(configuration);
        }
        catch (ArgumentException e)
        {
            throw new SettingsException(e.Message);
        }
    }

    private static (IConfiguration Configuration, TrainingSettings Training, SoftQSettings SoftQ) Load(IReadOnlyList<string> args, string? directory,
        IReadOnlyDictionary<string, string> known)
    {
        Dictionary<string, string> commandLine = ParseCommandLine(args, known);
        string settingsFile = Path.Combine(directory ?? Directory.GetCurrentDirectory(), "appsettings.json");
        IConfiguration withoutDefaults = Build(new Dictionary<string, string>(), settingsFile, commandLine);
        string env = withoutDefaults["Train:Env"] ?? new TrainingSettings().Env;
        IConfiguration configuration = Build(EnvironmentDefaults.For(env), settingsFile, commandLine);
        var training = Bind(configuration.GetSection("Train"), new TrainingSettings()).WithGoalsInEnv();
        var softQ = Bind(configuration.GetSection("SoftQ"), new SoftQSettings());
        training.Validate();
        softQ.Validate();
        Shared.Environments.EnvironmentRegistry.Default.Get(training.Env); // an unknown name fails here, before any work
        return (configuration, training, softQ);
    }

    /// <summary>Every switch of <c>train</c> (and so of <c>serve</c>), with the configuration key it sets.</summary>
    public static IReadOnlyDictionary<string, string> Switches() => SwitchesOf(Sections, new Dictionary<string, string>());

    /// <summary>The switches only <c>serve</c> takes, beyond every <c>train</c> switch.</summary>
    public static IReadOnlyDictionary<string, string> ServeSwitches() => SwitchesOf(ServeSections, ServeAliases);

    private static SortedDictionary<string, string> SwitchesOf((string Section, Type Type)[] sections, IReadOnlyDictionary<string, string> aliases)
    {
        var switches = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string section, Type type) in sections)
            foreach (PropertyInfo property in Settable(type))
                switches["--" + Kebab(property.Name)] = $"{section}:{property.Name}";
        foreach ((string name, string key) in aliases) switches[name] = key;
        return switches;
    }

    private static IConfiguration Build(IReadOnlyDictionary<string, string> defaults, string settingsFile, Dictionary<string, string> commandLine) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(defaults!)
            .AddJsonFile(settingsFile, optional: true)
            .AddEnvironmentVariables("SOFTQ__")
            .AddInMemoryCollection(commandLine!)
            .Build();

    private static Dictionary<string, string> ParseCommandLine(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> known)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            int equals = arg.IndexOf('=');
            string name = equals > 0 ? arg[..equals] : arg;
            if (!known.TryGetValue(name, out string? key))
                throw new SettingsException($"unknown switch '{name}'; known: {string.Join(" ", known.Keys)}");
            bool valueFollows = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (equals > 0) values[key] = arg[(equals + 1)..];
            else if (valueFollows) values[key] = args[++i];
            else if (FlagKeys.Contains(key)) values[key] = "true";
            else throw new SettingsException($"switch {arg} needs a value");
        }
        return values;
    }

    private static T Bind<T>(IConfigurationSection section, T settings) where T : notnull
    {
        foreach (PropertyInfo property in Settable(typeof(T)))
        {
            string? raw = section[property.Name];
            if (raw is null) continue;
            try
            {
                property.SetValue(settings, Convert(raw, property.PropertyType));
            }
            catch (FormatException)
            {
                throw new SettingsException($"setting --{Kebab(property.Name)} ({section.Path}:{property.Name}) = '{raw}' is not {Describe(property.PropertyType)}");
            }
            catch (OverflowException)
            {
                throw new SettingsException($"setting --{Kebab(property.Name)} ({section.Path}:{property.Name}) = '{raw}' is out of range");
            }
        }
        return settings;
    }

    private static object Convert(string raw, Type type)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        if (type == typeof(string)) return raw;
        if (type == typeof(int)) return int.Parse(raw, NumberStyles.Integer, invariant);
        if (type == typeof(long)) return long.Parse(raw, NumberStyles.Integer, invariant);
        if (type == typeof(ulong)) return ulong.Parse(raw, NumberStyles.Integer, invariant);
        if (type == typeof(float)) return float.Parse(raw, NumberStyles.Float, invariant);
        if (type == typeof(bool)) return bool.Parse(raw);
        if (type == typeof(IReadOnlyList<int>))
            return raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(part => int.Parse(part, NumberStyles.Integer, invariant)).ToArray();
        throw new InvalidOperationException($"settings of type {type.Name} are not supported");
    }

    private static string Describe(Type type) =>
        type == typeof(IReadOnlyList<int>) ? "a comma-separated list of integers"
        : type == typeof(float) ? "a number"
        : type == typeof(bool) ? "true or false"
        : "an integer";

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    private static string Kebab(string name) => KebabBoundary().Replace(name, "$1-$2").ToLowerInvariant();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex KebabBoundary();
}
