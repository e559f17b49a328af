using SoftQDistributed.Learner.Service;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Tests.Service;

public sealed class ActorReportsTests
{
    private static ActorReport Report(uint node, string instance, ulong version, ulong dropped = 0, ulong retried = 0, params float[] returns)
    {
        var report = new ActorReport { NodeId = node, NodeInstance = instance, PolicyVersion = version, TransitionsDropped = dropped, TransitionsRetried = retried };
        report.EpisodeReturns.Add(returns);
        return report;
    }

    [Fact]
    public void Policy_lag_is_the_published_version_minus_the_acting_version_averaged_over_reports()
    {
        var reports = new ActorReports();
        reports.Add(Report(1, "a", version: 10), publishedVersion: 12);   // lag 2
        reports.Add(Report(2, "b", version: 12), publishedVersion: 12);   // lag 0
        reports.Add(Report(1, "a", version: 13), publishedVersion: 17);   // lag 4
        reports.Add(Report(3, "c", version: 0), publishedVersion: 17);    // no parameters yet: not counted
        Assert.Equal(2.0, reports.Summary().MeanPolicyLagVersions, 12);
    }

    [Fact]
    public void Counters_of_a_restarted_node_add_to_its_previous_incarnations_totals()
    {
        var reports = new ActorReports();
        reports.Add(Report(1, "first", 1, dropped: 2, retried: 5), 1);
        reports.Add(Report(1, "first", 1, dropped: 3, retried: 7), 1);     // totals since start: the latest counts
        reports.Add(Report(1, "second", 1, dropped: 1, retried: 2), 1);    // restarted: counts from zero again
        reports.Add(Report(2, "other", 1, dropped: 10, retried: 0), 1);
        ActorSummary summary = reports.Summary();
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
        reports.Add(Report(1, "a", 1, returns: Enumerable.Repeat(10f, ActorReports.RecentEpisodes).ToArray()), 1);
        Assert.Equal(10.0, reports.Summary().RecentMeanReturn, 6);
        Assert.Equal(3 + ActorReports.RecentEpisodes, reports.Summary().Episodes);
    }
}
