using System.CommandLine;
using System.CommandLine.Parsing;

namespace SoftQDistributed.Shared.CommandLine;

/// <summary>A parse failure as one line: what was wrong, and the nearest known name when a word looks mistyped.</summary>
public static class ParseErrors
{
    public static string Describe(ParseResult parse)
    {
        Command command = parse.CommandResult.Command;
        string path = Path(parse.CommandResult);
        if (parse.UnmatchedTokens.Count > 0)
        {
            string token = parse.UnmatchedTokens[0];
            bool isOption = token.StartsWith('-');
            string name = isOption ? token.Split('=', ':')[0] : token;
            string what = isOption ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
            IEnumerable<string> known = isOption
                ? command.Options.Concat(parse.RootCommandResult.Command.Options.Where(o => o.Recursive)).Select(o => o.Name)
                : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
            string? nearest = Nearest(name, known);
            return nearest is null ? $"unknown {what} '{name}' for {path}; see {path} --help" : $"unknown {what} '{name}' for {path}; did you mean {nearest}?";
        }
        if (command.Action is null && command.Subcommands.Count > 0)
            return $"{path} needs a command: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}; see {path} --help";
        return $"{string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))}; see {path} --help";
    }

    /// <summary>The known names closest to <paramref name="word"/> (a transposition or a missing letter per three), or null.</summary>
    public static string? Nearest(string word, IEnumerable<string> known)
    {
        int limit = Math.Max(1, word.TrimStart('-').Length / 3);
        var scored = known.Distinct().Select(k => (Name: k, Distance: Distance(word, k))).Where(k => k.Distance <= limit).ToList();
        if (scored.Count == 0) return null;
        int best = scored.Min(s => s.Distance);
        return string.Join(" or ", scored.Where(s => s.Distance == best).Select(s => s.Name));
    }

    /// <summary>Edit distance counting a swap of neighbours as one edit (optimal string alignment).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    private static string Path(CommandResult result) =>
        result.Parent is CommandResult parent ? $"{Path(parent)} {result.Command.Name}" : result.Command.Name;
}
