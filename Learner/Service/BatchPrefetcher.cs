using System.Diagnostics;
using System.Threading.Channels;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// Draws minibatches from the cluster's replay ahead of the learner: workers fill a small pool of preallocated
/// <see cref="ReplaySample"/> buffers through <see cref="ClusterSampler"/> (several requests in flight, each for
/// several minibatches, each with a deadline) and queue them, so the next batches are fetched while the current update
/// runs. A request no shard could answer is tried again at once on another. The learner takes a buffer, updates, and
/// gives it back.
/// </summary>
public sealed class BatchPrefetcher : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(5);
    private readonly ClusterSampler _sampler;
    private readonly int _batchSize;
    private readonly int _workers;
    private readonly int _batchesPerRequest;
    private readonly Channel<ReplaySample> _free, _full;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stop = new();
    private Task[] _running = [];
    private long _waitTicks;
    private long _lastRetryLog;

    public BatchPrefetcher(ClusterSampler sampler, int batchSize, int obsDim, int actDim, int depth, int workers, int batchesPerRequest,
        Action<string> log)
    {
        _sampler = sampler;
        _batchSize = batchSize;
        _workers = workers;
        _batchesPerRequest = batchesPerRequest;
        _log = log;
        _full = Channel.CreateBounded<ReplaySample>(new BoundedChannelOptions(depth) { SingleReader = true });
        _free = Channel.CreateUnbounded<ReplaySample>();
        // Enough that every worker can fill its buffers while the queue is full and the learner holds one.
        for (int i = 0; i < depth + workers * batchesPerRequest + 1; i++) _free.Writer.TryWrite(new ReplaySample(batchSize, obsDim, actDim));
    }

    public bool Started => _running.Length > 0;

    /// <summary>Seconds the learner waited for a batch that was not there yet.</summary>
    public double WaitSeconds => (double)Interlocked.Read(ref _waitTicks) / Stopwatch.Frequency;

    /// <summary>Starts fetching (once the replay holds enough to sample from).</summary>
    public void Start()
    {
        if (Started) return;
        _running = Enumerable.Range(0, _workers).Select(_ => Task.Run(FetchLoopAsync)).ToArray();
    }

    /// <summary>The next batch, waiting (blocking the calling thread) when none is ready; give it back with <see cref="Return"/>.</summary>
    public ReplaySample Take(CancellationToken cancellationToken)
    {
        if (_full.Reader.TryRead(out ReplaySample? ready)) return ready;
        long started = Stopwatch.GetTimestamp();
        try
        {
            return _full.Reader.ReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            Interlocked.Add(ref _waitTicks, Stopwatch.GetTimestamp() - started);
        }
    }

    public void Return(ReplaySample sample) => _free.Writer.TryWrite(sample);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_running).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Stopping: a sample in flight was cancelled, or a worker had already failed and the learner was told
            // through Take. Either way the caller's stop checkpoint must still be written.
        }
        _stop.Dispose();
    }

    /// <summary>
    /// One worker. A failure other than waiting for data (a refusal, a broken frame) ends the batch stream with that
    /// error, so <see cref="Take"/> throws it to the learner instead of waiting forever.
    /// </summary>
    private async Task FetchLoopAsync()
    {
        try
        {
            await FetchAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            _full.Writer.TryComplete(ex);
        }
    }

    private async Task FetchAsync(CancellationToken stop)
    {
        var samples = new ReplaySample[_batchesPerRequest];
        while (!stop.IsCancellationRequested)
        {
            for (int i = 0; i < samples.Length; i++) samples[i] = await _free.Reader.ReadAsync(stop).ConfigureAwait(false);
            while (!await _sampler.TrySampleAsync(samples, _batchSize, stop).ConfigureAwait(false))
            {
                long now = Stopwatch.GetTimestamp();
                long last = Interlocked.Read(ref _lastRetryLog);
                if (now - last > 10 * Stopwatch.Frequency && Interlocked.CompareExchange(ref _lastRetryLog, now, last) == last)
                    _log($"waiting for samples: no replay shard answered ({_sampler.Timeouts} late so far)");
                await Task.Delay(RetryDelay, stop).ConfigureAwait(false);
            }
            foreach (ReplaySample sample in samples) await _full.Writer.WriteAsync(sample, stop).ConfigureAwait(false);
        }
    }
}
