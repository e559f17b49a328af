namespace SoftQDistributed.Learner.Service;

/// <summary>
/// The learner service's own counters, checkpointed after the learner's: the publication version, the epoch and
/// the next epoch and checkpoint boundaries (in trained environment steps), the replay's env steps, and whether the
/// run has finished.
/// </summary>
public sealed class ServeCounters
{
    public const int Count = 6;

    public ulong PublishedVersion { get; set; }

    public int Epoch { get; set; }

    public long NextEpochEnd { get; set; }

    public long NextCheckpoint { get; set; }

    public long EnvSteps { get; set; }

    public bool Done { get; set; }

    public static ServeCounters Start(long epochLength, long checkpointInterval) => new()
    {
        NextEpochEnd = epochLength,
        NextCheckpoint = checkpointInterval > 0 ? checkpointInterval : long.MaxValue,
    };

    public long[] ToArray() => [(long)PublishedVersion, Epoch, NextEpochEnd, NextCheckpoint, EnvSteps, Done ? 1 : 0];

    public static ServeCounters From(ReadOnlySpan<long> values) => new()
    {
        PublishedVersion = (ulong)values[0],
        Epoch = (int)values[1],
        NextEpochEnd = values[2],
        NextCheckpoint = values[3],
        EnvSteps = values[4],
        Done = values[5] != 0,
    };
}
