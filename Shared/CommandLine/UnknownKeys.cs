using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.FileProviders;

namespace SoftQDistributed.Shared.CommandLine;

/// <summary>
/// Refuses a key that no setting has in a section the program owns (<c>"Shard": { "Capcity": 10 }</c>), from
/// appsettings.json or an environment variable, naming the file or the variable: a typo there would otherwise be
/// ignored while the same typo on the command line is refused.
/// </summary>
public static class UnknownKeys
{
    /// <summary>Throws <see cref="InvalidDataException"/> for the first key of a section in <paramref name="settings"/> that none of them has.</summary>
    public static void Refuse(IConfigurationRoot configuration, IEnumerable<Setting> settings)
    {
        Dictionary<string, Setting[]> sections = settings.GroupBy(s => s.Section, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.OrdinalIgnoreCase);
        foreach (IConfigurationProvider provider in configuration.Providers)
            foreach ((string section, Setting[] known) in sections)
                foreach (string name in provider.GetChildKeys([], section).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    if (known.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))) continue;
                    string key = $"{section}:{name}";
                    string? nearest = ParseErrors.Nearest(key, known.Select(s => s.Key));
                    throw new InvalidDataException($"unknown setting {key} in {Origin(provider, section, name)}" +
                        (nearest is null ? $"; known in {section}: {string.Join(", ", known.Select(s => s.Name))}" : $"; did you mean {nearest}?"));
                }
    }

    private static string Origin(IConfigurationProvider provider, string section, string name) => provider switch
    {
        FileConfigurationProvider file when file.Source.FileProvider is PhysicalFileProvider physical => Path.Combine(physical.Root, file.Source.Path ?? ""),
        FileConfigurationProvider file => file.Source.Path ?? "a settings file",
        EnvironmentVariablesConfigurationProvider => Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(v => v.EndsWith($"{section}__{name}", StringComparison.OrdinalIgnoreCase))
            .Select(v => $"environment variable {v}").FirstOrDefault() ?? "the environment variables",
        _ => provider.ToString() ?? "the configuration",
    };
}
