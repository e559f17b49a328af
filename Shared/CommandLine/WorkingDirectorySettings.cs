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

    public static string Path => System.IO.Path.Combine(Directory.GetCurrentDirectory(), FileName);

    /// <summary>Inserts the working directory's appsettings.json right after the last JSON file already configured.</summary>
    public static void AddWorkingDirectorySettings(this IConfigurationBuilder configuration)
    {
        var source = new JsonConfigurationSource { Path = Path, Optional = true };
        source.ResolveFileProvider();
        int lastJson = configuration.Sources.Select((s, i) => (s, i)).LastOrDefault(x => x.s is JsonConfigurationSource, (null!, -1)).Item2;
        configuration.Sources.Insert(lastJson + 1, source);
    }
}
