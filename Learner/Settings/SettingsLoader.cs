using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.CommandLine;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner.Settings;

/// <summary>
/// Loads settings the ASP.NET Core way, lowest first: the records' defaults, per-environment defaults,
/// appsettings.json (current directory), environment variables (<c>SOFTQ__Train__EnvSteps</c>), the command
/// line (<c>--env-steps 5000</c>). Sections: <c>Train</c> (<see cref="TrainingSettings"/>) and <c>SoftQ</c>
/// (<see cref="SoftQSettings"/>); <c>serve</c> also reads <c>Serve</c> (<see cref="ServeSettings"/>) and <c>Cluster</c>,
/// <c>launch</c> also <c>Launch</c> (<see cref="LaunchSettings"/>). A key none of them has in one of these sections, a
/// malformed value or one out of range is a <see cref="SettingsException"/>.
/// </summary>
public static class SettingsLoader
{
    /// <summary>Every setting of <c>train</c> (and so of <c>serve</c> and <c>launch</c>), with the per-environment defaults in its default.</summary>
    public static readonly IReadOnlyList<Setting> TrainSettings =
        [.. Setting.Of<TrainingSettings>("Train").Concat(Setting.Of<SoftQSettings>("SoftQ")).Select(WithEnvironmentDefaults)];

    /// <summary>The settings only <c>serve</c> takes: the service's and how it joins the cluster (as every role).</summary>
    public static readonly IReadOnlyList<Setting> ServeSettings = [.. Setting.Of<ServeSettings>("Serve"), .. ClusterSwitches.Settings];

    /// <summary>The settings only <c>launch</c> takes: the cluster's shape and how it is run.</summary>
    public static readonly IReadOnlyList<Setting> LaunchSettings = Setting.Of<LaunchSettings>("Launch");

    /// <summary><paramref name="args"/> read as <c>train</c> reads its command line.</summary>
    public static (TrainingSettings Training, SoftQSettings SoftQ) Load(IReadOnlyList<string> args, string? directory = null) =>
        Load(Parse(args, TrainSettings), directory);

    /// <param name="commandLine">Configuration keys and values given on the command line.</param>
    /// <param name="directory">Where appsettings.json is looked for; the current directory by default.</param>
    public static (TrainingSettings Training, SoftQSettings SoftQ) Load(IReadOnlyDictionary<string, string> commandLine, string? directory = null)
    {
        (_, TrainingSettings training, SoftQSettings softQ) = LoadTraining(commandLine, directory);
        return (training, softQ);
    }

    /// <summary><paramref name="args"/> read as <c>serve</c> reads its command line.</summary>
    public static ServeConfiguration LoadServe(IReadOnlyList<string> args, string? directory = null) =>
        LoadServe(Parse(args, [.. TrainSettings, .. ServeSettings]), directory);

    /// <summary>The settings of <c>serve</c>: every <c>train</c> setting, the <c>Serve</c> and the <c>Cluster</c> sections.</summary>
    public static ServeConfiguration LoadServe(IReadOnlyDictionary<string, string> commandLine, string? directory = null)
    {
        (IConfiguration configuration, TrainingSettings training, SoftQSettings softQ) = LoadTraining(commandLine, directory);
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

    /// <summary>The settings of <c>launch</c>: its own (<c>Launch</c> section) and every <c>train</c> setting.</summary>
    public static (LaunchSettings Launch, TrainingSettings Training, SoftQSettings SoftQ) LoadLaunch(IReadOnlyDictionary<string, string> commandLine,
        string? directory = null)
    {
        (IConfiguration configuration, TrainingSettings training, SoftQSettings softQ) = LoadTraining(commandLine, directory);
        var launch = Bind(configuration.GetSection("Launch"), new LaunchSettings());
        launch.Validate();
        return (launch, training, softQ);
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

    private static (IConfiguration Configuration, TrainingSettings Training, SoftQSettings SoftQ) LoadTraining(IReadOnlyDictionary<string, string> commandLine,
        string? directory)
    {
        string settingsFile = Path.Combine(directory ?? Directory.GetCurrentDirectory(), WorkingDirectorySettings.FileName);
        IConfiguration withoutDefaults = Build(new Dictionary<string, string>(), settingsFile, commandLine);
        string env = withoutDefaults["Train:Env"] ?? new TrainingSettings().Env;
        IConfiguration configuration = Build(EnvironmentDefaults.For(env), settingsFile, commandLine);
        var training = Bind(configuration.GetSection("Train"), new TrainingSettings()).WithGoalsInEnv();
        var softQ = Bind(configuration.GetSection("SoftQ"), new SoftQSettings());
        training.Validate();
        softQ.Validate();
        Shared.Environments.EnvironmentRegistry.Default.Get(training.Env); // an unknown name fails here, before any work
        if (training.EvalEnv.Length > 0) Shared.Environments.EnvironmentRegistry.Default.Get(training.EvalEnv);
        return (configuration, training, softQ);
    }

    /// <summary>Switches parsed as the command does (the same options), for callers that hold a list of them.</summary>
    private static Dictionary<string, string> Parse(IReadOnlyList<string> args, IReadOnlyList<Setting> settings)
    {
        var options = new SettingOptions(settings);
        var command = new RootCommand();
        options.AddTo(command);
        ParseResult parse = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0) throw new SettingsException(ParseErrors.Describe(parse));
        return options.Given(parse);
    }

    /// <summary>The layers, checked for keys no setting has in the learner's sections (a typo in appsettings.json is not ignored).</summary>
    private static IConfigurationRoot Build(IReadOnlyDictionary<string, string> defaults, string settingsFile, IReadOnlyDictionary<string, string> commandLine)
    {
        try
        {
            IConfigurationRoot configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(defaults!)
                .AddJsonFile(settingsFile, optional: true)
                .AddEnvironmentVariables("SOFTQ__")
                .AddInMemoryCollection(commandLine!)
                .Build();
            UnknownKeys.Refuse(configuration, [.. TrainSettings, .. ServeSettings, .. LaunchSettings]);
            return configuration;
        }
        catch (InvalidDataException e)
        {
            throw new SettingsException(CommandLineProgram.OneLine(e));
        }
    }

    private static Setting WithEnvironmentDefaults(Setting setting)
    {
        string differing = EnvironmentDefaults.Differing(setting.Key, setting.Default);
        return differing.Length == 0 ? setting : setting with { Default = $"{setting.Default}; {differing}" };
    }

    private static T Bind<T>(IConfigurationSection section, T settings) where T : notnull
    {
        foreach (PropertyInfo property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            string? raw = section[property.Name];
            if (raw is null) continue;
            string name = $"{section.Path}:{property.Name}";
            string shown = $"--{Switch(name)} ({name}) = '{raw}'";
            try
            {
                property.SetValue(settings, Convert(raw, property.PropertyType));
            }
            catch (FormatException)
            {
                throw new SettingsException($"setting {shown} is not {Describe(property.PropertyType)}");
            }
            catch (OverflowException)
            {
                throw new SettingsException($"setting {shown} is out of range");
            }
        }
        return settings;
    }

    private static string Switch(string key) =>
        TrainSettings.Concat(ServeSettings).Concat(LaunchSettings).First(s => s.Key == key).Switch.TrimStart('-');

    private static object Convert(string raw, Type type)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return raw;
        if (type == typeof(int)) return int.Parse(raw, NumberStyles.Integer, invariant);
        if (type == typeof(long)) return long.Parse(raw, NumberStyles.Integer, invariant);
        if (type == typeof(ulong)) return ulong.Parse(raw, NumberStyles.Integer, invariant);
        if (type == typeof(float)) return float.Parse(raw, NumberStyles.Float, invariant);
        if (type == typeof(double)) return double.Parse(raw, NumberStyles.Float, invariant);
        if (type == typeof(bool)) return bool.Parse(raw);
        if (type == typeof(IReadOnlyList<int>))
            return raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(part => int.Parse(part, NumberStyles.Integer, invariant)).ToArray();
        throw new InvalidOperationException($"settings of type {type.Name} are not supported");
    }

    private static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        Type t when t == typeof(IReadOnlyList<int>) => "a comma-separated list of integers",
        Type t when t == typeof(float) || t == typeof(double) => "a number",
        Type t when t == typeof(bool) => "true or false",
        _ => "an integer",
    };
}
