using System.Diagnostics;
using Akka.Actor;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// Draws minibatches from the cluster's replay, several at once (a request costs the shard and the learner far more
/// than the rows it carries: remoting, wake-ups): one request to a shard chosen with probability proportional to its
/// size, among the reachable ones not recently late, asked with a deadline. A shard that misses the deadline (paused,
/// overloaded, gone) is skipped for <see cref="PenaltyTime"/> and the request goes to another one at once, so a
/// stalled shard costs one deadline, not a stalled learner. Thread-safe: the prefetch workers call it concurrently.
/// </summary>
public sealed class ClusterSampler(ReplayShardDirectory directory, ClusterReplayProgress progress, TimeSpan deadline, ulong seed)
{
    /// <summary>How long a late shard is left out.</summary>
    public static readonly TimeSpan PenaltyTime = TimeSpan.FromSeconds(1);

    private readonly Rng _rng = new(seed);
    private readonly object _gate = new();
    private readonly Dictionary<Address, long> _lateUntil = [];
    private long _timeouts;

    /// <summary>Requests that missed their deadline.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>
    /// Fills each of <paramref name="samples"/> with <paramref name="batchSize"/> rows, all drawn by one request to one
    /// shard; false when no shard could answer now (try again shortly).
    /// </summary>
    public async Task<bool> TrySampleAsync(IReadOnlyList<ReplaySample> samples, int batchSize, CancellationToken cancellationToken)
    {
        int count = samples.Count * batchSize;
        ReplayShardRef? shard = Choose();
        if (shard is null) return false;
        SampledTransitions reply;
        try
        {
            reply = await shard.Actor.Ask<SampledTransitions>(new SampleTransitions { Count = count }, deadline, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AskTimeoutException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Interlocked.Increment(ref _timeouts);
            lock (_gate) _lateUntil[shard.Address] = Stopwatch.GetTimestamp() + (long)(PenaltyTime.TotalSeconds * Stopwatch.Frequency);
            return false;
        }
        progress.Observe(shard.Address, reply.Status);
        if (reply.Rows is not { } rows) return false; // empty, or stopping
        if (rows.Count != count) throw new InvalidOperationException($"shard {shard.Address} answered {rows.Count} rows to a request for {count}");
        for (int i = 0; i < samples.Count; i++)
        {
            ReplaySample sample = samples[i];
            rows.CopyTo(sample.Batch, i * batchSize, batchSize);
            sample.Weights.AsSpan(0, batchSize).Fill(1f);
            sample.TableSize = (int)Math.Min(int.MaxValue, reply.Status.Size);
        }
        return true;
    }

    private ReplayShardRef? Choose()
    {
        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            ReplayShardRef[] candidates = [.. directory.Shards.Where(s => s.Reachable && !(_lateUntil.TryGetValue(s.Address, out long until) && until > now))];
            if (candidates.Length == 0) return null;
            double total = candidates.Sum(s => (double)progress.SizeOf(s.Address));
            if (!(total > 0)) return candidates[_rng.NextInt(candidates.Length)]; // sizes not known yet
            double pick = _rng.NextDouble() * total;
            foreach (ReplayShardRef shard in candidates)
            {
                pick -= progress.SizeOf(shard.Address);
                if (pick < 0) return shard;
            }
            return candidates[^1];
        }
    }
}
