using System.Diagnostics;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// A stopwatch that continues from the seconds a run's earlier processes measured (kept in its checkpoint), so
/// that a resumed run's metrics.csv and summary.json count the whole run, not only the part since the resume.
/// </summary>
public sealed class RunClock
{
    private readonly Stopwatch _watch = new();

    /// <summary>Seconds measured before this process; 0 for a run started here.</summary>
    public double EarlierSeconds { get; set; }

    public double Seconds => EarlierSeconds + _watch.Elapsed.TotalSeconds;

    public void Start() => _watch.Start();

    public void Stop() => _watch.Stop();
}
