using System.Globalization;
using Microsoft.Extensions.Logging;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Snapshots;

/// <summary>
/// A shard's snapshot folder: numbered files, newest restored first, a corrupt one reported and passed over
/// for the one before, and only the newest few kept once a newer one is complete.
/// </summary>
public sealed class SnapshotDirectory(string path, int keep, ILogger logger)
{
    private const string Prefix = "snapshot-";
    private const string Extension = ".sqr";
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
            long next = Numbered().Select(f => f.Number).DefaultIfEmpty(0).Max() + 1;
            string file = System.IO.Path.Combine(Path, Prefix + next.ToString("D10", CultureInfo.InvariantCulture) + Extension);
            long bytes = SnapshotFormat.Write(file, capture);
            SnapshotsWritten++;
            LastSnapshotTime = DateTimeOffset.UtcNow;
            LastSnapshotPath = file;
            foreach ((string old, _) in Numbered().OrderByDescending(f => f.Number).Skip(keep)) File.Delete(old);
            return (file, bytes);
        }
    }

    /// <summary>Restores the newest valid snapshot into an empty table; returns its path, or null when none is usable.</summary>
    public string? RestoreNewest(ReplayTable table)
    {
        if (!Directory.Exists(Path)) return null;
        foreach (string stale in Directory.EnumerateFiles(Path, Prefix + "*" + Extension + ".tmp")) File.Delete(stale); // an interrupted write
        foreach ((string file, _) in Numbered().OrderByDescending(f => f.Number))
        {
            try
            {
                SnapshotFormat.Restore(file, table);
                logger.LogInformation("Restored {Rows} transitions from {File}", table.Count, file);
                return file;
            }
            catch (InvalidDataException ex)
            {
                CorruptFound++;
                logger.LogError("Snapshot {File} is unusable ({Reason}); trying the one before it", file, ex.Message);
            }
        }
        return null;
    }

    private IEnumerable<(string Path, long Number)> Numbered()
    {
        foreach (string file in Directory.EnumerateFiles(Path, Prefix + "*" + Extension))
        {
            string name = System.IO.Path.GetFileNameWithoutExtension(file);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long n)) yield return (file, n);
        }
    }
}
