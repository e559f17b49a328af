using System.Globalization;
using Microsoft.Extensions.Logging;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Snapshots;

/// <summary>
/// A shard's snapshot folder: numbered files, newest restored first, a corrupt one reported, moved aside
/// (*.corrupt) and passed over for the one before, and only the newest few kept once a newer one is complete.
/// </summary>
public sealed class SnapshotDirectory(string path, int keep, ILogger logger)
{
    private const string Prefix = "snapshot-";
    private const string Extension = ".sqr";
    private const string CorruptSuffix = Extension + ".corrupt";
    private readonly object _gate = new();

    public string Path { get; } = path;

    public long SnapshotsWritten { get; private set; }

    public DateTimeOffset? LastSnapshotTime { get; private set; }

    public string? LastSnapshotPath { get; private set; }

    /// <summary>Corrupt files met while restoring.</summary>
    public int CorruptFound { get; private set; }

    /// <summary>Writes a new snapshot from a capture and prunes old ones. One at a time.</summary>
    public (string Path, long Bytes) Write(TableCapture capture)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(Path);
            long next = Numbered().Concat(Numbered(CorruptSuffix)).Select(f => f.Number).DefaultIfEmpty(0).Max() + 1; // never reuse a number set aside
            string file = System.IO.Path.Combine(Path, Prefix + next.ToString("D10", CultureInfo.InvariantCulture) + Extension);
            long bytes = SnapshotFormat.Write(file, capture);
            SnapshotsWritten++;
            LastSnapshotTime = DateTimeOffset.UtcNow;
            LastSnapshotPath = file;
            foreach ((string old, _) in Numbered().OrderByDescending(f => f.Number).Skip(keep)) File.Delete(old);
            return (file, bytes);
        }
    }

    /// <summary>
    /// Restores the newest valid snapshot into an empty table; returns its path, or null when none is usable.
    /// Throws <see cref="SnapshotShapeException"/> when that snapshot's shape is not the table's.
    /// </summary>
    public string? RestoreNewest(ReplayTable table)
    {
        if (!Directory.Exists(Path)) return null;
        foreach (string stale in Directory.EnumerateFiles(Path, Prefix + "*" + Extension + ".tmp")) File.Delete(stale); // an interrupted write
        foreach ((string file, _) in Numbered().OrderByDescending(f => f.Number))
        {
            try
            {
                using (FileStream header = File.OpenRead(file)) CheckShape(file, SnapshotFormat.ReadHeader(header).Table, table.Settings);
                SnapshotFormat.Restore(file, table);
                logger.LogInformation("Restored {Rows} transitions from {File}", table.Count, file);
                return file;
            }
            catch (InvalidDataException ex)
            {
                // Aside, not deleted (someone may want it), and out of the numbering so pruning never counts it.
                CorruptFound++;
                File.Move(file, System.IO.Path.ChangeExtension(file, CorruptSuffix));
                logger.LogError("Snapshot {File} is unusable ({Reason}); moved aside as .corrupt, trying the one before it", file, ex.Message);
            }
        }
        return null;
    }

    private static void CheckShape(string file, TableCaptureHeader saved, ReplayTableSettings configured)
    {
        if (saved.ObsDim == configured.ObsDim && saved.ActDim == configured.ActDim && saved.Capacity == configured.Capacity) return;
        throw new SnapshotShapeException(
            $"snapshot {file} holds obs {saved.ObsDim}, act {saved.ActDim}, capacity {saved.Capacity} but this shard is configured for " +
            $"obs {configured.ObsDim}, act {configured.ActDim}, capacity {configured.Capacity}; start it with the snapshot's shape or give it another data dir");
    }

    private IEnumerable<(string Path, long Number)> Numbered(string suffix = Extension)
    {
        foreach (string file in Directory.EnumerateFiles(Path, Prefix + "*" + suffix))
        {
            string name = System.IO.Path.GetFileName(file);
            if (long.TryParse(name.AsSpan(Prefix.Length, name.Length - Prefix.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                yield return (file, n);
        }
    }
}
