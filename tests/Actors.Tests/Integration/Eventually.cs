using System.Diagnostics;

namespace SoftQDistributed.Actors.Tests.Integration;

/// <summary>Bounded polling: a condition over real processes, checked until it holds or the time is up.</summary>
internal static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> holds, string what, TimeSpan? within = null, Func<string>? context = null)
    {
        var clock = Stopwatch.StartNew();
        T value = await probe();
        while (!holds(value))
        {
            if (clock.Elapsed > (within ?? TimeSpan.FromSeconds(30)))
                throw new TimeoutException($"{what} did not happen within {(within ?? TimeSpan.FromSeconds(30)).TotalSeconds} s; last: {value}\n{context?.Invoke()}");
            await Task.Delay(50);
            value = await probe();
        }
        return value;
    }

    public static Task<T> HoldsAsync<T>(Func<T> probe, Func<T, bool> holds, string what, TimeSpan? within = null, Func<string>? context = null) =>
        ReturnsAsync(() => Task.FromResult(probe()), holds, what, within, context);
}
