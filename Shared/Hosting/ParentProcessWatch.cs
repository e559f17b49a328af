using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SoftQDistributed.Shared.Hosting;

/// <summary>
/// Ends this process when the process that started it is gone, by kill -9 too: <c>launch</c> sets
/// <see cref="Variable"/> to its pid, and every child checks twice a second whether that pid still runs. Then a
/// graceful stop (leave the cluster, snapshot or checkpoint) gets a few seconds, and the process exits regardless,
/// so no child outlives <c>launch</c> by more than <see cref="HardExitAfter"/> plus a check.
/// </summary>
public sealed class ParentProcessWatch(IHostApplicationLifetime lifetime) : BackgroundService
{
    public const string Variable = "SOFTQ_PARENT_PID";

    public static readonly TimeSpan HardExitAfter = TimeSpan.FromSeconds(8);

    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The parent's pid from <see cref="Variable"/>, or null when unset (run by hand, or by a container runtime).</summary>
    public static int? ParentPid =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (ParentPid is not { } pid) return;
        using var timer = new PeriodicTimer(CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (Directory.Exists($"/proc/{pid}") || !OperatingSystem.IsLinux() && IsRunning(pid)) continue;
                await Console.Error.WriteLineAsync($"parent process {pid} is gone; stopping").ConfigureAwait(false);
                _ = Task.Delay(HardExitAfter, CancellationToken.None).ContinueWith(_ => Environment.Exit(1), TaskScheduler.Default);
                lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

public static class ParentProcessWatchExtensions
{
    /// <summary>Registers <see cref="ParentProcessWatch"/> (it does nothing unless <see cref="ParentProcessWatch.Variable"/> is set).</summary>
    public static IServiceCollection AddParentProcessWatch(this IServiceCollection services) => services.AddHostedService<ParentProcessWatch>();
}
