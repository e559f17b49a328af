using SoftQDistributed.Learner.Service;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Tests.Service;

public sealed class ActorReportsTests
{
    private static ActorReport Report(int node, string instance, ulong version, long steps = 0, long dropped = 0, long retried = 0, params float[] returns) =>
        new()
        {
            NodeId = node, NodeInstance = instance, PolicyVersion = version, EnvSteps = steps, TransitionsSent = steps,
            TransitionsDropped = dropped, TransitionsRetried = retried, EpisodeReturns = returns,
        };

    [Fact]
    public void Policy_lag_is_the_published_version_minus_the_acting_version_averaged_over_reports()
    {
        var reports = new ActorReports();
        reports.Add(Report(1, "a", version: 10), publishedVersion: 12);   // lag 2
        reports.Add(Report(2, "b", version: 12), publishedVersion: 12);   // lag 0
        reports.Add(Report(1, "a", version: 13), publishedVersion: 17);   // lag 4
        reports.Add(Report(3, "c", version: 0), publishedVersion: 17);    // no parameters yet: not counted
        reports.Add(Report(4, "d", version: 30), publishedVersion: 17);   // acting with a previous learner's version: no lag
        Assert.Equal(1.5, reports.Summary().MeanPolicyLagVersions, 12);
        // Now: the latest lag of each instance heard recently (a 4, b 0, c 0, d 0).
        Assert.Equal(1.0, reports.CurrentPolicyLagVersions(), 12);
    }

    [Fact]
    public void Counters_of_a_restarted_node_add_to_its_previous_incarnations_totals()
    {
        var reports = new ActorReports();
        reports.Add(Report(1, "first", 1, steps: 100, dropped: 2, retried: 5), 1);
        reports.Add(Report(1, "first", 1, steps: 300, dropped: 3, retried: 7), 1);     // totals since start: the latest counts
        reports.Add(Report(1, "second", 1, steps: 50, dropped: 1, retried: 2), 1);     // restarted: counts from zero again
        reports.Add(Report(2, "other", 1, steps: 20, dropped: 10, retried: 0), 1);
        ActorSummary summary = reports.Summary();
        Assert.Equal(370UL, summary.EnvSteps);
        Assert.Equal(370UL, summary.TransitionsSent);
        Assert.Equal(14UL, summary.TransitionsDropped);
        Assert.Equal(9UL, summary.TransitionsRetried);
        Assert.Equal(2, summary.ActorsReporting);
    }

    [Fact]
    public void The_recent_mean_return_covers_the_last_episodes_reported()
    {
        var reports = new ActorReports();
        Assert.True(double.IsNaN(reports.Summary().RecentMeanReturn));
        reports.Add(Report(1, "a", 1, returns: [1f, 2f, 3f]), 1);
        Assert.Equal(2.0, reports.Summary().RecentMeanReturn, 6);
        reports.Add(Report(1, "a", 1, returns: [.. Enumerable.Repeat(10f, ActorReports.RecentEpisodes)]), 1);
        Assert.Equal(10.0, reports.Summary().RecentMeanReturn, 6);
        Assert.Equal(3 + ActorReports.RecentEpisodes, reports.Summary().Episodes);
    }

    [Fact]
    public void Pace_shares_what_is_left_of_the_allowance_equally_over_the_instances_reporting_now()
    {
        var reports = new ActorReports();
        Assert.Equal((0L, 0), (reports.Pace(1000).Taken, reports.Pace(1000).Budgets.Count));

        reports.Add(Report(1, "a", 1, steps: 300), 1);
        reports.Add(Report(2, "b", 1, steps: 100), 1);
        (long taken, Dictionary<string, long> budgets) = reports.Pace(1001);
        Assert.Equal(400, taken);
        // 601 left over two instances: 301 each (rounded up), on top of what each has taken, in its own step count.
        Assert.Equal(new Dictionary<string, long> { ["a"] = 601, ["b"] = 401 }, budgets);

        // A restarted node is a new instance counting from zero; its old instance's steps stay taken.
        reports.Add(Report(2, "b2", 1, steps: 0), 1);
        (taken, budgets) = reports.Pace(1000);
        Assert.Equal(400, taken);
        Assert.Equal(3, budgets.Count); // "b" was heard within the pacing window too
        Assert.Equal(200, budgets["b2"]);

        // Over the allowance: nobody gets room beyond what it has taken.
        (taken, budgets) = reports.Pace(100);
        Assert.Equal(400, taken);
        Assert.Equal(300, budgets["a"]);
        Assert.Equal(0, budgets["b2"]);
    }
}
