namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// How long a supervisor waits before restarting a child that exited: 1 s, doubling to a cap of 30 s, back to
/// 1 s once the child has stayed up for <see cref="StableAfter"/> (as Kubernetes' CrashLoopBackOff does).
/// </summary>
public sealed class RestartBackoff(TimeSpan? initial = null, TimeSpan? cap = null, TimeSpan? stableAfter = null)
{
    private readonly TimeSpan _initial = initial ?? TimeSpan.FromSeconds(1);
    private readonly TimeSpan _cap = cap ?? TimeSpan.FromSeconds(30);
    private TimeSpan _next = initial ?? TimeSpan.FromSeconds(1);

    public TimeSpan StableAfter { get; } = stableAfter ?? TimeSpan.FromSeconds(60);

    /// <summary>The delay before the next restart of a child that ran for <paramref name="uptime"/>.</summary>
    public TimeSpan Next(TimeSpan uptime)
    {
        if (uptime >= StableAfter) _next = _initial;
        TimeSpan delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_cap.Ticks, _next.Ticks * 2));
        return delay;
    }
}
