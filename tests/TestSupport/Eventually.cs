using System.Diagnostics;

namespace SoftQDistributed.TestSupport;

/// <summary>Bounded polling: a condition over real processes, checked until it holds or the time is up; every wait ends.</summary>
internal static class Eventually
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Probes until <paramref name="holds"/> accepts the value and returns it; throws <see cref="TimeoutException"/> with the last value otherwise.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> holds, string what, TimeSpan? within = null, Func<string>? context = null)
    {
        TimeSpan limit = within ?? DefaultWithin;
        var clock = Stopwatch.StartNew();
        T value = await probe();
        while (!holds(value))
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"{what} did not happen within {limit.TotalSeconds:F0} s; last: {value}\n{context?.Invoke()}");
            await Task.Delay(Interval);
            value = await probe();
        }
        return value;
    }

    public static Task<T> HoldsAsync<T>(Func<T> probe, Func<T, bool> holds, string what, TimeSpan? within = null, Func<string>? context = null) =>
        ReturnsAsync(() => Task.FromResult(probe()), holds, what, within, context);

    /// <summary>Probes until it returns a value (not null) and returns that.</summary>
    public static async Task<T> Until<T>(Func<Task<T?>> probe, TimeSpan within, string what) where T : class =>
        (await ReturnsAsync(probe, value => value is not null, what, within))!;

    public static Task Until(Func<bool> condition, TimeSpan within, string what) =>
        HoldsAsync(condition, holds => holds, what, within);

    public static Task Until(Func<Task<bool>> condition, TimeSpan within, string what) =>
        ReturnsAsync(condition, holds => holds, what, within);
}
