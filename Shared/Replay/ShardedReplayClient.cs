using System.Diagnostics;
using Grpc.Core;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Proto.Replay;

namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// The client side of a sharded replay: inserts routed by a stable key (jump consistent hash), samples of size B
/// split across shards in proportion to their sizes (uniform over the union) and fetched in parallel. A shard
/// that fails to answer is skipped for a back-off period that doubles while it keeps failing; it is not fatal.
/// </summary>
public sealed class ShardedReplayClient : IDisposable
{
    private readonly ShardedReplayClientOptions _options;
    private readonly ShardState[] _shards;
    private readonly Rng _rng;
    private readonly object _rngGate = new();
    private readonly TimeSpan _timeout, _backoffMin, _backoffMax;
    private readonly long _sizeRefreshTicks;
    private long _sizesRefreshedAt;
    private long _reroutedRows;

    public ShardedReplayClient(IReadOnlyList<Uri> shardAddresses, ShardedReplayClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(shardAddresses);
        ArgumentNullException.ThrowIfNull(options);
        if (shardAddresses.Count == 0) throw new ArgumentException("at least one shard address is needed", nameof(shardAddresses));
        _options = options;
        _timeout = options.CallTimeout ?? TimeSpan.FromSeconds(10);
        _backoffMin = options.BackoffMin ?? TimeSpan.FromSeconds(1);
        _backoffMax = options.BackoffMax ?? TimeSpan.FromSeconds(30);
        _sizeRefreshTicks = (long)((options.SizeRefreshInterval ?? TimeSpan.FromSeconds(1)).TotalSeconds * Stopwatch.Frequency);
        _shards = shardAddresses.Select(a => new ShardState(new ReplayShardClient(a, options.Channel))).ToArray();
        _rng = new Rng(options.Seed);
    }

    public int ShardCount => _shards.Length;

    /// <summary>Rows an insert stored on another shard than their key's, because that one was down or backing off.</summary>
    public long ReroutedRows => Interlocked.Read(ref _reroutedRows);

    /// <summary>The shard a routing key maps to while every shard is up (jump consistent hash: adding a shard moves only 1/n of keys).</summary>
    public static int Route(ulong key, int shards)
    {
        long b = -1, j = 0;
        while (j < shards)
        {
            b = j;
            key = key * 2862933555777941757UL + 1;
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }
        return (int)b;
    }

    /// <summary>
    /// Stores a batch on the shard its key routes to, or on the next live shard when that one is down.
    /// Refusals (bad input) are thrown as they are; only unreachable shards are skipped. <paramref name="policyVersion"/>
    /// is the learner's policy version the batch was collected with (0: unknown).
    /// </summary>
    public async Task<InsertResponse> InsertAsync(TransitionBatch batch, ulong routingKey, CancellationToken cancellationToken = default, ulong policyVersion = 0)
    {
        var request = new InsertRequest { Batch = TransitionCodec.Encode(batch), PolicyVersion = policyVersion };
        int home = Route(routingKey, _shards.Length);
        RpcException? last = null;
        for (int attempt = 0; attempt < _shards.Length; attempt++)
        {
            ShardState shard = _shards[(home + attempt) % _shards.Length];
            if (!shard.IsLive) continue;
            try
            {
                InsertResponse response = await shard.Client.InsertAsync(request, CallOptions(cancellationToken)).ConfigureAwait(false);
                shard.Succeeded((long)response.ShardSize);
                if (attempt > 0) Interlocked.Add(ref _reroutedRows, batch.Count);
                return response;
            }
            catch (RpcException ex) when (IsUnreachable(ex, cancellationToken))
            {
                shard.Failed(_backoffMin, _backoffMax, ex);
                last = ex;
            }
        }
        throw NoShard("insert", last);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with <paramref name="count"/> rows drawn uniformly over the union of
    /// the live shards: each row's shard is drawn in proportion to the shard sizes, then every shard is asked
    /// for its share in parallel. <paramref name="shardOfRow"/>, if given, receives each row's shard index.
    /// </summary>
    public async Task SampleAsync(ReplaySample destination, int count, int[]? shardOfRow = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (count <= 0 || count > destination.Batch.Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"must be in [1, {destination.Batch.Capacity}]");
        if (shardOfRow is not null && shardOfRow.Length < count) throw new ArgumentException("shardOfRow is shorter than count", nameof(shardOfRow));
        await RefreshSizesAsync(cancellationToken).ConfigureAwait(false);

        int filled = 0;
        RpcException? last = null;
        for (int round = 0; round < _shards.Length && filled < count; round++)
        {
            int[] shares = Split(count - filled);
            if (shares.Sum() == 0) break;
            int offset = filled;
            var calls = new List<Task<int>>();
            for (int s = 0; s < _shards.Length; s++)
            {
                if (shares[s] == 0) continue;
                calls.Add(FetchShareAsync(s, shares[s], destination, offset, shardOfRow, cancellationToken));
                offset += shares[s];
            }
            // Shares land contiguously from their offsets; compact in case a shard failed part-way.
            int[] got = await Task.WhenAll(calls).ConfigureAwait(false);
            int writeAt = filled, readAt = filled, k = 0;
            for (int s = 0; s < _shards.Length; s++)
            {
                if (shares[s] == 0) continue;
                if (got[k] > 0 && writeAt != readAt) MoveRows(destination, shardOfRow, readAt, writeAt, got[k]);
                writeAt += got[k];
                readAt += shares[s];
                if (got[k] < shares[s]) last = _shards[s].LastError ?? last;
                k++;
            }
            filled = writeAt;
        }
        if (filled < count) throw NoShard($"sample of {count} (got {filled})", last);
        destination.Batch.Count = count;
        destination.TableSize = (int)Math.Min(int.MaxValue, _shards.Where(s => s.IsLive).Sum(s => s.Size));
    }

    /// <summary>Asks every shard for its info; unreachable shards give null (and are backed off).</summary>
    public async Task<InfoResponse?[]> InfoAsync(CancellationToken cancellationToken = default)
    {
        return await Task.WhenAll(_shards.Select(shard => AskInfoAsync(shard, cancellationToken))).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (ShardState shard in _shards) shard.Client.Dispose();
    }

    /// <summary>
    /// Sizes learnt from responses go stale for shards this client does not sample (one first seen empty never
    /// would be), so every interval one caller asks the live shards; when none is live and non-empty, all are asked.
    /// </summary>
    private async Task RefreshSizesAsync(CancellationToken cancellationToken)
    {
        bool nothingToSample = _shards.All(s => !s.IsLive || s.Size <= 0);
        long last = Interlocked.Read(ref _sizesRefreshedAt), now = Stopwatch.GetTimestamp();
        bool stale = now - last >= _sizeRefreshTicks && Interlocked.CompareExchange(ref _sizesRefreshedAt, now, last) == last;
        if (!nothingToSample && !stale) return;
        await Task.WhenAll(_shards.Where(s => nothingToSample || s.IsLive).Select(s => AskInfoAsync(s, cancellationToken))).ConfigureAwait(false);
    }

    private async Task<InfoResponse?> AskInfoAsync(ShardState shard, CancellationToken cancellationToken)
    {
        try
        {
            InfoResponse info = await shard.Client.InfoAsync(null, CallOptions(cancellationToken)).ConfigureAwait(false);
            shard.Succeeded((long)info.Size);
            return info;
        }
        catch (RpcException ex) when (IsUnreachable(ex, cancellationToken))
        {
            shard.Failed(_backoffMin, _backoffMax, ex);
            return null;
        }
    }

    private int[] Split(int count)
    {
        var shares = new int[_shards.Length];
        long[] sizes = _shards.Select(s => s.IsLive ? Math.Max(0, s.Size) : 0).ToArray();
        long total = sizes.Sum();
        if (total == 0) return shares;
        lock (_rngGate)
        {
            for (int i = 0; i < count; i++)
            {
                double u = _rng.NextDouble() * total;
                int s = 0;
                while (s < sizes.Length - 1 && (u -= sizes[s]) >= 0) s++;
                while (sizes[s] == 0) s--; // rounding at the top edge
                shares[s]++;
            }
        }
        return shares;
    }

    private async Task<int> FetchShareAsync(int shardIndex, int rows, ReplaySample destination, int offset, int[]? shardOfRow, CancellationToken cancellationToken)
    {
        ShardState shard = _shards[shardIndex];
        var request = new SampleRequest { BatchSize = (uint)rows, NumBatches = 1 };
        int got = 0;
        try
        {
            await foreach (SampleResponse response in shard.Client.SampleAsync(request, CallOptions(cancellationToken)).ConfigureAwait(false))
            {
                int n = TransitionCodec.RowCount(response.Batch);
                if (n != rows) throw new RpcException(new Status(StatusCode.Internal, $"shard {shard.Client.Address} sent {n} rows, {rows} were asked"));
                DecodeInto(response, destination, offset, n);
                if (shardOfRow is not null) Array.Fill(shardOfRow, shardIndex, offset, n);
                got = n;
                shard.Succeeded((long)response.ShardSize);
            }
            return got;
        }
        catch (RpcException ex) when (IsUnreachable(ex, cancellationToken))
        {
            shard.Failed(_backoffMin, _backoffMax, ex);
            return 0;
        }
    }

    private void DecodeInto(SampleResponse response, ReplaySample destination, int offset, int rows)
    {
        TransitionBatch scratch = ScratchFor(rows);
        TransitionCodec.Decode(response.Batch, _options.ObsDim, _options.ActDim, scratch);
        TransitionBatch.CopyRows(scratch, 0, destination.Batch, offset, rows);
        for (int i = 0; i < rows; i++)
        {
            destination.Keys[offset + i] = i < response.Keys.Count ? (long)response.Keys[i] : -1;
            destination.Weights[offset + i] = i < response.Weights.Count ? response.Weights[i] : 1f;
        }
    }

    [ThreadStatic] private static TransitionBatch? t_scratch;

    private TransitionBatch ScratchFor(int rows)
    {
        if (t_scratch is null || t_scratch.Capacity < rows || t_scratch.ObsDim != _options.ObsDim || t_scratch.ActDim != _options.ActDim)
            t_scratch = new TransitionBatch(Math.Max(rows, 256), _options.ObsDim, _options.ActDim);
        return t_scratch;
    }

    private static void MoveRows(ReplaySample d, int[]? shardOfRow, int from, int to, int rows)
    {
        TransitionBatch.CopyRows(d.Batch, from, d.Batch, to, rows);
        d.Keys.AsSpan(from, rows).CopyTo(d.Keys.AsSpan(to));
        d.Weights.AsSpan(from, rows).CopyTo(d.Weights.AsSpan(to));
        shardOfRow?.AsSpan(from, rows).CopyTo(shardOfRow.AsSpan(to));
    }

    private CallOptions CallOptions(CancellationToken cancellationToken) => new(deadline: DateTime.UtcNow + _timeout, cancellationToken: cancellationToken);

    /// <summary>
    /// Transport failures (the client's own status, with the exception behind it: refused connection, TLS),
    /// UNAVAILABLE and silence (our own deadline passed with no status) mark a shard down. A refusal the shard sent
    /// (it carries a reason), DEADLINE_EXCEEDED for a sample below its minimum size included, is an answer: the caller gets it.
    /// </summary>
    private static bool IsUnreachable(RpcException ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && (ex.StatusCode == StatusCode.Unavailable
            || (ReplayRefusal.ReasonOf(ex) is null && (ex.StatusCode == StatusCode.DeadlineExceeded || ex.Status.DebugException is not null)));

    private RpcException NoShard(string what, RpcException? last)
    {
        string addresses = string.Join(", ", _shards.Select(s => s.Client.Address));
        return new RpcException(new Status(StatusCode.Unavailable, $"{what}: no replay shard answered ({addresses}); last error: {last?.Status.Detail ?? "all shards backing off or empty"}", last));
    }

    private sealed class ShardState(ReplayShardClient client)
    {
        private readonly object _gate = new();
        private long _retryAt;
        private TimeSpan _backoff;

        public ReplayShardClient Client { get; } = client;

        public long Size { get; private set; }

        public RpcException? LastError { get; private set; }

        public bool IsLive
        {
            get { lock (_gate) return Stopwatch.GetTimestamp() >= _retryAt; }
        }

        public void Succeeded(long size)
        {
            lock (_gate)
            {
                Size = size;
                _backoff = TimeSpan.Zero;
                _retryAt = 0;
            }
        }

        public void Failed(TimeSpan min, TimeSpan max, RpcException? error = null)
        {
            lock (_gate)
            {
                _backoff = _backoff == TimeSpan.Zero ? min : TimeSpan.FromTicks(Math.Min(max.Ticks, _backoff.Ticks * 2));
                _retryAt = Stopwatch.GetTimestamp() + (long)(_backoff.TotalSeconds * Stopwatch.Frequency);
                LastError = error ?? LastError;
            }
        }
    }
}
