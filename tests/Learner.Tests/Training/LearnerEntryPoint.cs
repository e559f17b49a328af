using System.Reflection;
using SoftQDistributed.Learner;

namespace SoftQDistributed.Tests.Training;

/// <summary>
/// The learner's Main run in this process with standard output and error captured. The console is process-wide,
/// so the tests that use this are in <see cref="ConsoleCollection"/>.
/// </summary>
internal static class LearnerEntryPoint
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        MethodInfo entry = typeof(SoftQUpdate).Assembly.EntryPoint!;
        (TextWriter originalOut, TextWriter originalError) = (Console.Out, Console.Error);
        var output = new StringWriter();
        var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return ((int)entry.Invoke(null, [args])!, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
