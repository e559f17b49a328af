using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Learner.Settings;
using Grpc.Core;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>The supervisor with real shard processes on 127.0.0.1 (the roles that exist without the learner and actors).</summary>
public sealed class ShardSupervisionTests
{
    private const string Token = "test-token";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_killed_shard_is_restarted_on_the_same_port_restores_its_snapshot_and_cluster_json_follows()
    {
        using var directory = new TestDirectory();
        await using LocalCluster cluster = NewCluster(directory.Path);
        await cluster.StartGroupAsync(cluster.Shards, CancellationToken.None);

        IReadOnlyList<ClusterMember> members = ClusterDescription.Read(cluster.DescriptionPath);
        Assert.Equal(["shard", "shard", "learner", "actor"], members.Select(m => m.Role));
        ClusterMember shard0 = members[0];
        Assert.True(ChildProcess.IsAlive(shard0.Pid));
        Assert.Equal(cluster.Children[0].Spec.RpcUrl!.ToString().TrimEnd('/'), shard0.RpcUrl);
        Assert.Equal(0, members[2].Pid); // not started

        using var client = new ReplayShardClient(new Uri(shard0.RpcUrl!), new ReplayChannelOptions(AuthToken: Token));
        await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(Batch(40)) }, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)));
        await client.CheckpointAsync(new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)));

        ChildProcess.KillHard(shard0.Pid); // kill -9: only the snapshot survives

        ClusterMember restarted = await Eventually.Until(() => Task.FromResult(
            ClusterDescription.Read(cluster.DescriptionPath).FirstOrDefault(m => m is { Role: "shard", Index: 0, Restarts: 1 } && m.Pid != shard0.Pid)), Bound, "a restart in cluster.json");
        Assert.Equal(shard0.RpcUrl, restarted.RpcUrl);
        Assert.Equal(shard0.HttpUrl, restarted.HttpUrl);
        InfoResponse info = await Eventually.Until(async () =>
        {
            try
            {
                InfoResponse response = await client.InfoAsync(options: new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5)));
                return response.Size == 40 ? response : null;
            }
            catch (RpcException)
            {
                return null;
            }
        }, Bound, "the restarted shard answering with its restored rows");
        Assert.Equal(40ul, info.TotalInserted);
        Assert.Equal(1, cluster.Restarts);

        await cluster.StopAsync(cluster.Shards);
        Assert.False(ChildProcess.IsAlive(restarted.Pid));
        Assert.False(ChildProcess.IsAlive(members[1].Pid));
        await Task.Delay(1500); // a stopped child stays stopped
        Assert.Equal(1, cluster.Restarts);
        Assert.All(cluster.Shards, s => Assert.Equal(0, s.ExitCode));
    }

    [Fact]
    public async Task Shards_demand_the_launch_token()
    {
        using var directory = new TestDirectory();
        await using LocalCluster cluster = NewCluster(directory.Path);
        await cluster.StartGroupAsync(cluster.Shards, CancellationToken.None);

        foreach (string? token in new[] { null, "another" })
        {
            using var client = new ReplayShardClient(cluster.Children[1].Spec.RpcUrl!, new ReplayChannelOptions(AuthToken: token));
            RpcException refused = await Assert.ThrowsAsync<RpcException>(() => client.InfoAsync(options: new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10))));
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }
        await cluster.StopAsync(cluster.Shards);
    }

    [Fact]
    public async Task A_sigterm_stop_keeps_every_acknowledged_insert_and_leaves_no_process()
    {
        using var directory = new TestDirectory();
        int[] pids;
        await using (LocalCluster cluster = NewCluster(directory.Path))
        {
            await cluster.StartGroupAsync(cluster.Shards, CancellationToken.None);
            pids = [.. cluster.Shards.Select(s => s.Pid)];
            using var client = new ReplayShardClient(cluster.Children[1].Spec.RpcUrl!, new ReplayChannelOptions(AuthToken: Token));
            await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(Batch(25)) }, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)));

            await cluster.StopAsync(cluster.Shards);

            Assert.All(pids, pid => Assert.False(ChildProcess.IsAlive(pid)));
            Assert.All(cluster.Shards, s => Assert.Equal(0, s.ExitCode));
        }

        await using LocalCluster again = NewCluster(directory.Path);
        await again.StartGroupAsync(again.Shards, CancellationToken.None);
        using var reader = new ReplayShardClient(again.Children[1].Spec.RpcUrl!, new ReplayChannelOptions(AuthToken: Token));
        InfoResponse info = await reader.InfoAsync(options: new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)));
        Assert.Equal(25ul, info.Size);
        await again.StopAsync(again.Shards);
    }

    [Fact]
    public async Task Disposing_the_cluster_kills_its_children()
    {
        using var directory = new TestDirectory();
        int[] pids;
        await using (LocalCluster cluster = NewCluster(directory.Path))
        {
            await cluster.StartGroupAsync(cluster.Shards, CancellationToken.None);
            pids = [.. cluster.Shards.Select(s => s.Pid)];
            Assert.All(pids, pid => Assert.True(ChildProcess.IsAlive(pid)));
        } // as when launch dies of an exception

        await Eventually.Until(() => pids.All(pid => !ChildProcess.IsAlive(pid)), TimeSpan.FromSeconds(10), "every shard gone");
    }

    [Fact]
    public async Task A_child_that_cannot_start_fails_the_start_with_its_log()
    {
        using var directory = new TestDirectory();
        await using LocalCluster cluster = NewCluster(directory.Path);
        ChildSpec good = cluster.Children[0].Spec;
        var bad = new SupervisedChild(good with { Arguments = [.. good.Arguments, "--capacity", "-5"] }, directory.Path, TextWriter.Null, TimeSpan.FromSeconds(60));
        await using (bad)
        {
            ChildFailedException failure = await Assert.ThrowsAsync<ChildFailedException>(() => bad.StartAsync(CancellationToken.None));
            Assert.Contains("exited with code 2", failure.Message);
            Assert.Contains("error:", await File.ReadAllTextAsync(Path.Combine(directory.Path, "shard-0.log")));
        }
    }

    private static LocalCluster NewCluster(string directory)
    {
        (TrainingSettings training, SoftQSettings softQ) = SettingsLoader.Load(["--env", "multigoal", "--out", directory, "--env-steps", "1500"], directory);
        var launch = new LaunchSettings { Shards = 2, Actors = 1, SnapshotInterval = 0 };
        ClusterPlan plan = ClusterPlan.Create(launch, training, softQ, directory, AppContext.BaseDirectory, Token);
        return new LocalCluster(plan, launch, TextWriter.Null);
    }

    private static TransitionBatch Batch(int rows)
    {
        var batch = new TransitionBatch(rows, 2, 2) { Count = rows };
        for (int i = 0; i < rows; i++)
        {
            batch.Observations[2 * i] = i;
            batch.Actions[2 * i] = 0.5f;
            batch.Rewards[i] = -i;
        }
        return batch;
    }
}
