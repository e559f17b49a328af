using System.Buffers.Binary;
using SoftQDistributed.ReplayService.Snapshots;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Unit;

public sealed class SnapshotFormatTests
{
    [Fact]
    public async Task A_snapshot_written_when_shards_had_a_rate_limiter_still_restores()
    {
        using var dir = new TestDirectory();
        string path = Path.Combine(dir.Path, "snapshot.bin");
        var table = new ReplayTable(new ReplayTableSettings(3, 2, 10));
        table.Insert(TestRows.Batch(14, 3, 2, 0), default);
        await table.SampleAsync(new ReplaySample(6, 3, 2), 6, 0, CancellationToken.None);
        using (TableCapture capture = table.BeginCapture()) SnapshotFormat.Write(path, capture);

        // Format 1 as such a shard wrote it: its limiter's insert and sample counts in bytes 40..55, which this one leaves zero.
        byte[] bytes = await File.ReadAllBytesAsync(path);
        Assert.All(bytes[40..56], b => Assert.Equal(0, b));
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(40), 14);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(48), 6);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(92), Crc32C.Append(0, bytes.AsSpan(0, 92)));
        await File.WriteAllBytesAsync(path, bytes);

        var restored = new ReplayTable(new ReplayTableSettings(3, 2, 10));
        SnapshotFormat.Restore(path, restored);
        Assert.Equal(table.ContentChecksum(), restored.ContentChecksum());
        Assert.Equal((10, 14L, 6L), (restored.Info().Size, restored.Info().TotalInserted, restored.Info().TotalSampled));
    }
}
