using System.CommandLine;
using System.Text.Json;
using SoftQDistributed.Actors.Extensions;
using SoftQDistributed.ReplayService.Extensions;
using SoftQDistributed.Shared.CommandLine;

namespace SoftQDistributed.Learner.Settings;

/// <summary>
/// <c>settings [--json]</c>: every setting of every learner command (read from the commands themselves), of the actor
/// node and of the replay shard: switch, appsettings.json key, environment variable, default and meaning.
/// </summary>
public static class SettingsCommand
{
    /// <summary>One setting; <see cref="Key"/> and <see cref="EnvironmentVariable"/> are null for a command-line-only option (<c>--resume</c>).</summary>
    public sealed record Row(string Program, IReadOnlyList<string> Commands, string Switch, string? Key, string? EnvironmentVariable, string Default,
        string Description);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "One JSON array, an object per setting, for scripts." };
        var command = new Command("settings", "Lists every setting of every command, and of the Actors and ReplayService programs: switch, " +
                                              "appsettings.json key, environment variable, default and meaning.") { json };
        command.SetAction(parse =>
        {
            IReadOnlyList<Row> rows = Rows(parse.RootCommandResult.Command);
            Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(rows, Json) : Text(rows));
            return 0;
        });
        return command;
    }

    /// <summary>The options of every subcommand of <paramref name="learner"/> (a setting several commands share listed once), then the other programs'.</summary>
    public static IReadOnlyList<Row> Rows(Command learner)
    {
        var rows = new List<Row>();
        foreach (Command command in learner.Subcommands)
            foreach (Option option in command.Options)
            {
                Row row = option is SettingOption setting ? Of("Learner", [command.Name], setting.Setting) : Of(command.Name, option);
                int shared = rows.FindIndex(r => r.Key is not null && r.Key == row.Key && r.Switch == row.Switch);
                if (shared >= 0) rows[shared] = rows[shared] with { Commands = [.. rows[shared].Commands, command.Name] };
                else rows.Add(row);
            }
        rows.AddRange(ActorNodeExtensions.Settings.Select(s => Of("Actors", [], s)));
        rows.AddRange(ReplayShardExtensions.Settings.Select(s => Of("ReplayService", [], s)));
        return rows;
    }

    private static Row Of(string program, IReadOnlyList<string> commands, Setting setting) =>
        new(program, commands, setting.Switch, setting.Key, setting.EnvironmentVariable, setting.Default, setting.Description);

    private static Row Of(string command, Option option)
    {
        string shown = option.Required ? "required"
            : option.HasDefaultValue ? Setting.Format(option.GetDefaultValue())
            : option.ValueType == typeof(bool) ? "false" : "unset";
        return new Row("Learner", [command], option.Name, null, null, shown, option.Description ?? "");
    }

    /// <summary>A heading per program and set of commands, then two lines per setting: where it is set, and what it means.</summary>
    private static string Text(IReadOnlyList<Row> rows)
    {
        var text = new System.Text.StringBuilder();
        string? heading = null;
        foreach (Row row in rows)
        {
            string group = row.Commands.Count == 0 ? row.Program : $"{row.Program} {string.Join(", ", row.Commands)}";
            if (group != heading) text.AppendLine(heading is null ? group : $"\n{group}");
            heading = group;
            text.AppendLine($"  {row.Switch,-28} {row.Key ?? "(command line only)",-34} {row.EnvironmentVariable ?? "",-42} [default: {row.Default}]");
            text.AppendLine($"  {"",-28} {row.Description}");
        }
        return text.ToString().TrimEnd();
    }
}
