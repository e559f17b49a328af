using System.Text.Json.Nodes;
using SoftQDistributed.Learner.Cluster;

namespace SoftQDistributed.Tests.Cluster;

public sealed class DistributedSummaryTests
{
    [Fact]
    public void The_launch_summary_has_one_figure_for_each_rate_and_time_launchs()
    {
        const string learner = """{"env":"multigoal","env_steps":2000,"updates":1900,"wall_seconds":40.5,"updates_per_second":46.9,"env_steps_per_second":49.4,"process_cpu_seconds":70.2,"resumed":false}""";
        var distributed = new DistributedSummary(2, 1, 80.1, 76.2, 1.3, 0, 0, 0, 0, 24.97, new ClusterCpuSeconds(30.5, 6.25, 8.1, 1.2));

        JsonObject summary = JsonNode.Parse(distributed.AddTo(learner))!.AsObject();
        Assert.Equal(["env", "env_steps", "updates", "resumed", "distributed"], summary.Select(p => p.Key));
        Assert.Equal(80.1, (double)summary["distributed"]!["env_steps_per_second"]!);
        Assert.Equal(24.97, (double)summary["distributed"]!["wall_seconds"]!);
        Assert.Equal(46.05, (double)summary["distributed"]!["cpu_seconds"]!["total"]!);
    }
}
