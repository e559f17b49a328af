using System.Diagnostics;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// What the actor nodes reported, aggregated: per node incarnation (node_id + node_instance) the last totals of its
/// counters, so a restarted node (a new instance, counting from zero) adds to what its previous incarnation did;
/// the returns of recent episodes; and the policy lag (newest published version − the version a node acts with),
/// averaged over reports.
/// </summary>
public sealed class ActorReports
{
    /// <summary>Episodes behind <see cref="ActorSummary.RecentMeanReturn"/>.</summary>
    public const int RecentEpisodes = 100;

    /// <summary>A node is counted as reporting when heard from within this window.</summary>
    public static readonly TimeSpan ReportingWindow = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    /// <summary>A node instance is paced (given a budget) while heard from within this window.</summary>
    public static readonly TimeSpan PacingWindow = TimeSpan.FromSeconds(3);

    private readonly Dictionary<(int Node, string Instance), Totals> _incarnations = [];
    private readonly Queue<float> _recentReturns = new();
    private double _recentSum;
    private double _lagSum;
    private long _lagReports;
    private long _episodes;

    /// <summary>Takes one report; <paramref name="publishedVersion"/> is the newest version published when it arrived.</summary>
    public void Add(ActorReport report, ulong publishedVersion)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_gate)
        {
            // A node still acting with a version of a previous learner incarnation can be "ahead": no lag to count.
            ulong lag = report.PolicyVersion > 0 && publishedVersion > report.PolicyVersion ? publishedVersion - report.PolicyVersion : 0;
            _incarnations[(report.NodeId, report.NodeInstance)] = new Totals(report.NodeId, (ulong)report.EnvSteps, (ulong)report.TransitionsSent,
                (ulong)report.TransitionsRetried, (ulong)report.TransitionsDropped, lag, Stopwatch.GetTimestamp());
            foreach (float episodeReturn in report.EpisodeReturns)
            {
                _episodes++;
                _recentReturns.Enqueue(episodeReturn);
                _recentSum += episodeReturn;
                if (_recentReturns.Count > RecentEpisodes) _recentSum -= _recentReturns.Dequeue();
            }
            if (report.PolicyVersion > 0)
            {
                _lagSum += lag;
                _lagReports++;
            }
        }
    }

    public ActorSummary Summary()
    {
        lock (_gate)
        {
            long recentSince = Stopwatch.GetTimestamp() - (long)(ReportingWindow.TotalSeconds * Stopwatch.Frequency);
            ulong steps = 0, sent = 0, retried = 0, dropped = 0;
            var reporting = new HashSet<int>();
            foreach (Totals totals in _incarnations.Values)
            {
                steps += totals.EnvSteps;
                sent += totals.Sent;
                retried += totals.Retried;
                dropped += totals.Dropped;
                if (totals.HeardAt >= recentSince) reporting.Add(totals.Node);
            }
            return new ActorSummary(
                _episodes,
                _recentReturns.Count == 0 ? double.NaN : _recentSum / _recentReturns.Count,
                _lagReports == 0 ? 0 : _lagSum / _lagReports,
                steps, sent, retried, dropped, reporting.Count);
        }
    }

    /// <summary>
    /// The policy lag now: the mean over node incarnations heard from within <see cref="ReportingWindow"/> of the lag
    /// of their latest report (0 when none reports). Unlike <see cref="ActorSummary.MeanPolicyLagVersions"/>, an average
    /// since start, this goes back down when the actors catch up.
    /// </summary>
    public double CurrentPolicyLagVersions()
    {
        lock (_gate)
        {
            long recentSince = Stopwatch.GetTimestamp() - (long)(ReportingWindow.TotalSeconds * Stopwatch.Frequency);
            double sum = 0;
            int nodes = 0;
            foreach (Totals totals in _incarnations.Values)
            {
                if (totals.HeardAt < recentSince) continue;
                sum += totals.Lag;
                nodes++;
            }
            return nodes == 0 ? 0 : sum / nodes;
        }
    }

    /// <summary>The env steps every node instance ever reported (dead ones included: their steps were taken).</summary>
    public long EnvStepsTaken
    {
        get { lock (_gate) return _incarnations.Values.Sum(t => (long)t.EnvSteps); }
    }

    /// <summary>
    /// The pace for <paramref name="allowed"/> env steps in all: the steps every node instance ever reported (dead ones
    /// included: their steps were taken) and, per instance heard within <see cref="PacingWindow"/>, the step count it may
    /// reach: its reported steps plus an equal share, rounded up, of what is left.
    /// </summary>
    public (long Taken, Dictionary<string, long> Budgets) Pace(long allowed)
    {
        lock (_gate)
        {
            long recentSince = Stopwatch.GetTimestamp() - (long)(PacingWindow.TotalSeconds * Stopwatch.Frequency);
            long taken = _incarnations.Values.Sum(t => (long)t.EnvSteps);
            List<KeyValuePair<(int Node, string Instance), Totals>> live = [.. _incarnations.Where(i => i.Value.HeardAt >= recentSince)];
            long left = Math.Max(0, allowed - taken), nodes = Math.Max(1, live.Count);
            long share = (left + nodes - 1) / nodes;
            return (taken, live.ToDictionary(i => i.Key.Instance, i => (long)i.Value.EnvSteps + share));
        }
    }

    private readonly record struct Totals(int Node, ulong EnvSteps, ulong Sent, ulong Retried, ulong Dropped, ulong Lag, long HeardAt);
}
