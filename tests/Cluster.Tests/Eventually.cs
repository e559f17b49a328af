using System.Diagnostics;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>Bounded polling: every wait in these tests ends.</summary>
internal static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            T? value = await probe();
            if (value is not null) return value;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:F0} s");
    }

    public static async Task Until(Func<bool> condition, TimeSpan timeout, string what)
    {
        await Until<object>(() => Task.FromResult(condition() ? new object() : null), timeout, what);
    }

    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        await Until<object>(async () => await condition() ? new object() : null, timeout, what);
    }

    /// <summary>True while a process with this id exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
