using System.Diagnostics;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Actors;

/// <summary>
/// This node's share of the one cluster-wide pace: the learner computes from the nodes' reports how far each may go
/// (<see cref="Pace.Budgets"/>, in this node's own step count) and the rollout waits while it is there. Budgets are
/// absolute, so a pace computed from an old report grants nothing twice. Before the first budget the node does not step.
/// </summary>
public sealed class PaceGate
{
    private readonly object _gate = new();
    private long _budget; // this node's env steps it may have taken in all
    private long _waitTicks;
    private Pace? _last;

    /// <summary>The newest pace heard (null before the first).</summary>
    public Pace? Last
    {
        get { lock (_gate) return _last; }
    }

    /// <summary>Total time the rollout waited for the pace.</summary>
    public TimeSpan WaitTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _waitTicks));

    public long Budget
    {
        get { lock (_gate) return _budget; }
    }

    /// <summary>Changes with every process start: the learner's budgets name node instances, whose step counts start at 0.</summary>
    public string NodeInstance { get; } = Guid.NewGuid().ToString("N");

    public void Update(Pace pace)
    {
        lock (_gate)
        {
            _last = pace;
            if (pace.Budgets.TryGetValue(NodeInstance, out long budget))
            {
                _budget = budget;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Waits until this node may take another step (having taken <paramref name="taken"/>); false when stopped first.</summary>
    public bool WaitForRoom(long taken, Action beforeWaiting, CancellationToken stopping)
    {
        lock (_gate)
        {
            if (taken < _budget) return true;
        }
        beforeWaiting(); // e.g. send the partly filled batch: the learner needs those rows to let us go on
        long started = Stopwatch.GetTimestamp();
        try
        {
            lock (_gate)
            {
                while (taken >= _budget)
                {
                    if (stopping.IsCancellationRequested) return false;
                    Monitor.Wait(_gate, 20);
                }
                return true;
            }
        }
        finally
        {
            Interlocked.Add(ref _waitTicks, Stopwatch.GetTimestamp() - started);
        }
    }
}
