using System.CommandLine;
using System.CommandLine.Help;

namespace SoftQDistributed.Shared.CommandLine;

/// <summary>
/// Runs a program's System.CommandLine root the same way for every role: <c>--help</c> prints usage and exits 0
/// before anything starts; a command line it cannot parse, or an error the user can fix, is one <c>error:</c> line on
/// standard error and exit code 2; any other exception is one line too, with exit code 1, never a stack trace.
/// </summary>
public static class CommandLineProgram
{
    public static async Task<int> RunAsync(RootCommand root, IReadOnlyList<string> args, Func<Exception, bool> isUserError)
    {
        // No response files: a value that starts with '@' is a value.
        ParseResult parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction) return Fail(ParseErrors.Describe(parse), 2);
        try
        {
            // The programs handle SIGINT/SIGTERM themselves (a checkpoint, a graceful host stop).
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null })
                .ConfigureAwait(false);
        }
        catch (Exception e) when (isUserError(e) || e is InvalidDataException)
        {
            return Fail(OneLine(e), 2);
        }
        catch (Exception e)
        {
            return Fail($"{OneLine(e)} ({e.GetType().Name})", 1);
        }
    }

    /// <summary>The message and those of its inner exceptions (a malformed appsettings.json says where), on one line.</summary>
    public static string OneLine(Exception e)
    {
        var messages = new List<string>();
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (!messages.Any(m => m.Contains(inner.Message, StringComparison.Ordinal))) messages.Add(inner.Message.TrimEnd('.'));
        return string.Join(": ", messages).ReplaceLineEndings(" ");
    }

    private static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
