using System.Collections.Immutable;
using Akka.Actor;

namespace SoftQDistributed.Shared.Cluster;

/// <summary>A replay shard actor found through membership, and whether the failure detector can reach its node.</summary>
public sealed record ReplayShardRef(Address Address, IActorRef Actor, bool Reachable);

/// <summary>
/// The replay shards this node knows of, kept by <see cref="ReplayShardWatcher"/> and read from any thread (a new
/// immutable list on every change). Actors hear of changes as <see cref="ReplayShardsChanged"/> on the event stream.
/// </summary>
public sealed class ReplayShardDirectory
{
    private ImmutableArray<ReplayShardRef> _shards = [];

    public ImmutableArray<ReplayShardRef> Shards => ImmutableInterlocked.InterlockedCompareExchange(ref _shards, _shards, _shards);

    public ImmutableArray<ReplayShardRef> Reachable => [.. Shards.Where(s => s.Reachable)];

    internal void Set(ImmutableArray<ReplayShardRef> shards) => ImmutableInterlocked.InterlockedExchange(ref _shards, shards);
}

/// <summary>Published on the event stream whenever the shards a node knows of, or their reachability, change.</summary>
public sealed record ReplayShardsChanged(ImmutableArray<ReplayShardRef> Shards);
