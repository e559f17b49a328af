using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// The environment steps the actors have taken, as the replay counts them: the sum over shards of
/// <c>total_inserted</c>, asked every few hundred milliseconds in the background (never per update). A shard that
/// does not answer keeps its last known figures, and the sum never goes down (a floor from the checkpoint too).
/// </summary>
public sealed class ReplayProgress
{
    private readonly ShardedReplayClient _client;
    private readonly TimeSpan _interval;
    private readonly long[] _inserted, _sizes;
    private long _envSteps, _size;

    public ReplayProgress(ShardedReplayClient client, TimeSpan interval, long floor = 0)
    {
        _client = client;
        _interval = interval;
        _inserted = new long[client.ShardCount];
        _sizes = new long[client.ShardCount];
        _envSteps = floor;
    }

    /// <summary>Transitions inserted into the replay (sum over shards), never decreasing.</summary>
    public long EnvSteps => Interlocked.Read(ref _envSteps);

    /// <summary>Transitions held by the replay (sum of the last known shard sizes).</summary>
    public long Size => Interlocked.Read(ref _size);

    /// <summary>Asks the shards once.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        InfoResponse?[] infos = await _client.InfoAsync(cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < infos.Length; i++)
        {
            if (infos[i] is not { } info) continue;
            _inserted[i] = (long)info.TotalInserted;
            _sizes[i] = (long)info.Size;
        }
        long inserted = _inserted.Sum();
        if (inserted > EnvSteps) Interlocked.Exchange(ref _envSteps, inserted);
        Interlocked.Exchange(ref _size, _sizes.Sum());
    }

    /// <summary>Refreshes every interval until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(_interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Shared.Grpc.RpcException)
            {
                // A shard that refuses (not one that is down: those give no answer) keeps its last figures; ask again later.
                await Task.Delay(_interval, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
