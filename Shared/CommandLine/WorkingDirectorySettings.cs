using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace SoftQDistributed.Shared.CommandLine;

/// <summary>
/// appsettings.json of the working directory, read by every role over the defaults (the logging levels below, an
/// appsettings.json next to the program where an image adds one) and under the environment variables and the command
/// line.
/// </summary>
public static class WorkingDirectorySettings
{
    public const string FileName = "appsettings.json";

    /// <summary>
    /// The roles' logging levels, below every file: ASP.NET Core's per-request and start-up lines are noise in a role's
    /// log. The roles ship no appsettings.json of their own: the Learner's output folder holds all three programs
    /// (launch starts them from there), where two files of one name cannot both be published.
    /// </summary>
    private static readonly Dictionary<string, string?> LoggingDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
    };

    /// <summary>Inserts the working directory's appsettings.json right after the last JSON file already configured.</summary>
    public static void AddWorkingDirectorySettings(this IConfigurationBuilder configuration)
    {
        var source = new JsonConfigurationSource { Path = Path.Combine(Directory.GetCurrentDirectory(), FileName), Optional = true };
        source.ResolveFileProvider();
        int after = configuration.Sources.Count - 1;
        while (after >= 0 && configuration.Sources[after] is not JsonConfigurationSource) after--;
        configuration.Sources.Insert(after + 1, source);
    }

    /// <summary>
    /// A role's settings, lowest first: the logging defaults, an appsettings.json next to the program, the working
    /// directory's appsettings.json, SOFTQ__* environment variables, the command line; a key in a section of
    /// <paramref name="settings"/> that none of them knows is refused.
    /// </summary>
    public static void AddRoleSettings(this ConfigurationManager configuration, IReadOnlyDictionary<string, string> commandLine, IEnumerable<Setting> settings)
    {
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LoggingDefaults });
        configuration.AddWorkingDirectorySettings();
        configuration.AddEnvironmentVariables("SOFTQ__");
        configuration.AddInMemoryCollection(commandLine!);
        UnknownKeys.Refuse(configuration, settings);
    }
}
