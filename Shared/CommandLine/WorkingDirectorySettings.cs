using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace SoftQDistributed.Shared.CommandLine;

/// <summary>
/// appsettings.json of the working directory, read by every role over the one shipped next to the program (which
/// holds the logging defaults) and under the environment variables and the command line.
/// </summary>
public static class WorkingDirectorySettings
{
    public const string FileName = "appsettings.json";

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
    /// A role's settings over the shipped appsettings.json, lowest first: the working directory's appsettings.json,
    /// SOFTQ__* environment variables, the command line; keys in <paramref name="owned"/> sections that no setting
    /// knows (the <paramref name="settings"/> of its sections) are refused.
    /// </summary>
    public static void AddRoleSettings(this ConfigurationManager configuration, IReadOnlyDictionary<string, string> commandLine, IEnumerable<Setting> settings)
    {
        configuration.AddWorkingDirectorySettings();
        configuration.AddEnvironmentVariables("SOFTQ__");
        configuration.AddInMemoryCollection(commandLine!);
        UnknownKeys.Refuse(configuration, settings);
    }
}
