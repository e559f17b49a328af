using Grpc.Core;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Integration;

public sealed class DurabilityTests
{
    [Fact]
    public async Task After_kill_9_a_restarted_shard_holds_everything_up_to_its_last_snapshot()
    {
        using var dir = new TestDirectory();
        InfoResponse atSnapshot;
        await using (ShardProcess shard = await ShardProcess.StartAsync(dir.Path))
        {
            using var client = new ReplayShardClient(shard.Grpc);
            await Insert(client, rows: 300, firstId: 0);
            await client.CheckpointAsync();
            atSnapshot = await Checksummed(client);
            await Insert(client, rows: 50, firstId: 300); // after the snapshot: lost with kill -9
            await shard.KillAsync();
        }
        await using ShardProcess restarted = await ShardProcess.StartAsync(dir.Path);
        using var again = new ReplayShardClient(restarted.Grpc);
        InfoResponse restored = await Checksummed(again);
        Assert.Equal(atSnapshot.Size, restored.Size);
        Assert.Equal(atSnapshot.TotalInserted, restored.TotalInserted);
        Assert.Equal(atSnapshot.ContentChecksum, restored.ContentChecksum);
    }

    [Fact]
    public async Task After_SIGTERM_a_restarted_shard_has_lost_nothing()
    {
        using var dir = new TestDirectory();
        InfoResponse before;
        await using (ShardProcess shard = await ShardProcess.StartAsync(dir.Path))
        {
            using var client = new ReplayShardClient(shard.Grpc);
            await Insert(client, rows: 1200, firstId: 0); // wraps the ring of 1000
            await foreach (SampleResponse _ in client.SampleAsync(new SampleRequest { BatchSize = 10, NumBatches = 3 })) { }
            before = await Checksummed(client);
            Assert.Equal(0, await shard.TerminateAsync());
        }
        await using ShardProcess restarted = await ShardProcess.StartAsync(dir.Path);
        using var again = new ReplayShardClient(restarted.Grpc);
        InfoResponse after = await Checksummed(again);
        Assert.Equal(1000UL, after.Size);
        Assert.Equal(1200UL, after.TotalInserted);
        Assert.Equal(30UL, after.TotalSampled);
        Assert.Equal(before.ContentChecksum, after.ContentChecksum);

        // The ring continues where it stopped: the next insert overwrites the oldest rows, not the newest.
        await Insert(again, rows: 10, firstId: 1200);
        var check = new ReplaySample(1000, 3, 2);
        var ids = new HashSet<int>();
        await foreach (SampleResponse response in again.SampleAsync(new SampleRequest { BatchSize = 1000, NumBatches = 5 }))
            foreach (ulong key in response.Keys) ids.Add((int)key);
        Assert.DoesNotContain(200, ids);
        Assert.True(ids.Min() >= 210);
    }

    [Fact]
    public async Task SIGTERM_ends_open_insert_streams_and_waiting_samples_and_snapshots_within_the_grace_period()
    {
        using var dir = new TestDirectory();
        await using (ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 0, "--min-size", "1000"))
        {
            using var client = new ReplayShardClient(shard.Grpc);
            using var stream = client.OpenInsertStream(); // left open, as an actor keeps it
            await stream.RequestStream.WriteAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(20, 3, 2, 0)) });
            await using var sample = client.SampleAsync(new SampleRequest { BatchSize = 4 }).GetAsyncEnumerator(); // held: 1000 needed
            Task<bool> waiting = sample.MoveNextAsync().AsTask();
            await Eventually.Until(async () => (await client.InfoAsync()).SamplesBlockedNow == 1 && (await client.InfoAsync()).Size == 20,
                TimeSpan.FromSeconds(10), "a blocked sample and 20 rows");

            Assert.Equal(0, await shard.TerminateAsync(within: TimeSpan.FromSeconds(20))); // well inside Kubernetes' 30 s grace, far below the 60 s drain limit
            var ended = await Assert.ThrowsAsync<RpcException>(() => waiting);
            Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
            var insertEnded = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseAsync);
            Assert.Equal((StatusCode.Unavailable, "shutting_down"), (insertEnded.StatusCode, ReplayRefusal.ReasonOf(insertEnded)));
        }
        await using ShardProcess restarted = await ShardProcess.StartAsync(dir.Path);
        using var again = new ReplayShardClient(restarted.Grpc);
        Assert.Equal(20UL, (await again.InfoAsync()).Size);
    }

    [Fact]
    public async Task A_corrupt_newest_snapshot_falls_back_to_the_previous_one()
    {
        using var dir = new TestDirectory();
        InfoResponse first;
        await using (ShardProcess shard = await ShardProcess.StartAsync(dir.Path))
        {
            using var client = new ReplayShardClient(shard.Grpc);
            await Insert(client, rows: 100, firstId: 0);
            await client.CheckpointAsync();
            first = await Checksummed(client);
            await Insert(client, rows: 100, firstId: 100);
            CheckpointResponse newest = await client.CheckpointAsync();
            await shard.KillAsync();

            byte[] bytes = await File.ReadAllBytesAsync(newest.Path);
            bytes[bytes.Length / 2] ^= 0x5A; // one flipped byte in the payload
            await File.WriteAllBytesAsync(newest.Path, bytes);
        }
        await using ShardProcess restarted = await ShardProcess.StartAsync(dir.Path);
        using var again = new ReplayShardClient(restarted.Grpc);
        InfoResponse restored = await Checksummed(again);
        Assert.Equal(100UL, restored.Size);
        Assert.Equal(first.ContentChecksum, restored.ContentChecksum);
        Assert.Contains("checksum mismatch", restarted.Output);
    }

    [Fact]
    public async Task A_corrupt_snapshot_is_moved_aside_so_later_snapshots_never_prune_the_good_one()
    {
        using var dir = new TestDirectory();
        InfoResponse good;
        await using (ShardProcess shard = await ShardProcess.StartAsync(dir.Path))
        {
            using var client = new ReplayShardClient(shard.Grpc);
            await Insert(client, rows: 100, firstId: 0);
            await client.CheckpointAsync();
            good = await Checksummed(client);
            await Insert(client, rows: 100, firstId: 100);
            Corrupt((await client.CheckpointAsync()).Path);
            await shard.KillAsync();
        }
        await using (ShardProcess restarted = await ShardProcess.StartAsync(dir.Path))
        {
            using var client = new ReplayShardClient(restarted.Grpc);
            Corrupt((await client.CheckpointAsync()).Path); // the good one must survive this write as the fallback
            await restarted.KillAsync();
        }
        await using ShardProcess again = await ShardProcess.StartAsync(dir.Path);
        using var last = new ReplayShardClient(again.Grpc);
        Assert.Equal(good.ContentChecksum, (await Checksummed(last)).ContentChecksum);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir.Path, "shard-0"), "*.corrupt").Length);
    }

    [Fact]
    public async Task A_snapshot_of_another_shape_stops_start_up_with_one_line_and_is_kept()
    {
        using var dir = new TestDirectory();
        string snapshot;
        await using (ShardProcess shard = await ShardProcess.StartAsync(dir.Path))
        {
            using var client = new ReplayShardClient(shard.Grpc);
            await Insert(client, rows: 10, firstId: 0);
            snapshot = (await client.CheckpointAsync()).Path;
            await shard.KillAsync();
        }
        (int exitCode, string error) = await ShardProcess.RunToExitAsync(dir.Path, "--obs-dim", "4");
        Assert.True(exitCode == 2, $"exit code {exitCode}, stderr:\n{error}");
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: snapshot ", line);
        Assert.Contains("obs 3, act 2, capacity 1000", line);
        Assert.True(File.Exists(snapshot));
    }

    private static void Corrupt(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
    }

    private static async Task Insert(ReplayShardClient client, int rows, int firstId)
    {
        var batches = Enumerable.Range(0, (rows + 49) / 50)
            .Select(i => new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(Math.Min(50, rows - i * 50), 3, 2, firstId + i * 50)) });
        InsertResponse response = await client.InsertAsync(batches); // one stream
        Assert.Equal((ulong)rows, response.Transitions);
    }

    private static Task<InfoResponse> Checksummed(ReplayShardClient client) => client.InfoAsync(new InfoRequest { IncludeChecksum = true });
}
