namespace SoftQDistributed.Shared.Replay;

/// <summary>Settings of a <see cref="ShardedReplayClient"/>.</summary>
/// <param name="ObsDim">Observation width every shard stores.</param>
/// <param name="ActDim">Action width every shard stores.</param>
/// <param name="CallTimeout">Deadline of each call to a shard.</param>
/// <param name="BackoffMin">How long a shard that failed is first skipped; doubles on each further failure.</param>
/// <param name="BackoffMax">The longest a failed shard is skipped before it is tried again.</param>
/// <param name="SizeRefreshInterval">How often a sample first asks every live shard its size, so a shard that filled up since (or one first seen empty) gets its share.</param>
/// <param name="Seed">Seed for splitting samples across shards.</param>
/// <param name="Channel">Connection options (token, TLS trust) shared by every shard's channel.</param>
public sealed record ShardedReplayClientOptions(
    int ObsDim,
    int ActDim,
    TimeSpan? CallTimeout = null,
    TimeSpan? BackoffMin = null,
    TimeSpan? BackoffMax = null,
    TimeSpan? SizeRefreshInterval = null,
    ulong Seed = 1,
    ReplayChannelOptions? Channel = null);
