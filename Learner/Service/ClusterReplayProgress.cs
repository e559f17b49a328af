using System.Collections.Concurrent;
using Akka.Actor;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// The environment steps the actors have taken, as the replay counts them: every few hundred milliseconds (never per
/// update) each shard is asked for its <see cref="ShardStatus"/>, and all of its <c>TotalInserted</c> from
/// its first answer is counted. A restarted shard (a new instance, counting from its snapshot) adds only what it gains
/// after it is back, so rows it lost still count as steps taken; a shard that does not answer adds nothing. Also
/// keeps each shard's size, which the sampler splits minibatches by.
/// </summary>
public sealed class ClusterReplayProgress(ReplayShardDirectory directory, TimeSpan interval, long floor = 0)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<Address, ShardStatus> _last = new();
    private readonly Dictionary<int, ShardCount> _shards = [];
    private long _envSteps = floor;

    /// <summary>Transitions inserted into the replay (over every shard and its restarts), never decreasing.</summary>
    public long EnvSteps => Interlocked.Read(ref _envSteps);

    /// <summary>Transitions the shards hold now (the sum of their last known sizes).</summary>
    public long Size => _last.Values.Sum(s => s.Size);

    /// <summary>Shards that answered, of those known now.</summary>
    public int ShardsAnswering => _last.Count;

    /// <summary>The last known size of the shard at <paramref name="address"/> (0 when unknown).</summary>
    public long SizeOf(Address address) => _last.TryGetValue(address, out ShardStatus? status) ? status.Size : 0;

    /// <summary>Asks every known shard once, in parallel.</summary>
    public async Task RefreshAsync()
    {
        ReplayShardRef[] shards = [.. directory.Shards];
        await Task.WhenAll(shards.Select(AskAsync)).ConfigureAwait(false);
        foreach (Address gone in _last.Keys.Where(a => shards.All(s => s.Address != a))) _last.TryRemove(gone, out _);
    }

    /// <summary>Refreshes every interval until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do await RefreshAsync().ConfigureAwait(false);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Takes a status that came with a sample too (fresher than the periodic one).</summary>
    public void Observe(Address address, ShardStatus status)
    {
        _last[address] = status;
        long total;
        lock (_shards)
        {
            if (!_shards.TryGetValue(status.ShardId, out ShardCount? count))
                _shards[status.ShardId] = count = new ShardCount(status.Instance, 0);
            else if (count.Instance != status.Instance)
            {
                // A restarted shard: what its old instance counted stays; the new one counts from where it restarted.
                count.Credited += count.Current - count.InstanceStart;
                (count.Instance, count.InstanceStart, count.Current) = (status.Instance, status.TotalInserted, status.TotalInserted);
            }
            count.Current = Math.Max(count.Current, status.TotalInserted);
            total = _shards.Values.Sum(c => c.Credited + c.Current - c.InstanceStart);
        }
        long seen;
        while (total > (seen = EnvSteps) && Interlocked.CompareExchange(ref _envSteps, total, seen) != seen) { }
    }

    private async Task AskAsync(ReplayShardRef shard)
    {
        try
        {
            ShardStatus status = await shard.Actor.Ask<ShardStatus>(ShardStatusRequest.Instance, AskTimeout).ConfigureAwait(false);
            Observe(shard.Address, status);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            // paused or gone: its figures stay as they were
        }
    }

    private sealed class ShardCount(string instance, long instanceStart)
    {
        public string Instance { get; set; } = instance;
        public long InstanceStart { get; set; } = instanceStart;
        public long Current { get; set; } = instanceStart;
        public long Credited { get; set; }
    }
}
