using System.Runtime.CompilerServices;
using SoftQDistributed.Shared.Proto.Learner;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// Holds the newest published sampling network and hands it to every subscriber: the newest at once, then each
/// newer one. A subscriber that is slow to take them skips to the latest (it never holds up the learner, which
/// only swaps a reference), and every subscription ends when the broadcaster completes (shutdown).
/// </summary>
public sealed class ParameterBroadcaster
{
    private readonly object _gate = new();
    private PolicyParameters? _latest;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _completed;
    private int _subscribers;

    /// <summary>The newest publication, or null before the first.</summary>
    public PolicyParameters? Latest
    {
        get { lock (_gate) return _latest; }
    }

    /// <summary>The newest published version (0 before the first).</summary>
    public ulong Version => Latest?.Version ?? 0;

    /// <summary>Subscriptions open now.</summary>
    public int Subscribers => Volatile.Read(ref _subscribers);

    /// <summary>Makes <paramref name="parameters"/> the newest; its version must be above the current one.</summary>
    public void Publish(PolicyParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_latest is not null && parameters.Version <= _latest.Version)
                throw new ArgumentException($"version {parameters.Version} is not newer than {_latest.Version}", nameof(parameters));
            _latest = parameters;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>Ends every subscription (after the message each is sending); later ones end at once.</summary>
    public void Complete()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _completed = true;
            changed = _changed;
        }
        changed.TrySetResult();
    }

    /// <summary>The newest parameters, then each newer publication, until <see cref="Complete"/> or <paramref name="cancellationToken"/>.</summary>
    public async IAsyncEnumerable<PolicyParameters> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _subscribers);
        try
        {
            ulong sent = 0;
            while (true)
            {
                PolicyParameters? latest;
                Task changed;
                lock (_gate)
                {
                    if (_completed) yield break;
                    latest = _latest;
                    changed = _changed.Task;
                }
                if (latest is not null && latest.Version != sent)
                {
                    sent = latest.Version;
                    yield return latest;
                    continue;
                }
                bool cancelled = false;
                try
                {
                    await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    cancelled = true;
                }
                if (cancelled) yield break;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _subscribers);
        }
    }
}
