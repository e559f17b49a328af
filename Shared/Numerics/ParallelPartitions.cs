namespace SoftQDistributed.Shared.Numerics;

/// <summary>
/// Runs <c>work(0..Count-1)</c> on <see cref="Count"/> threads (the caller runs part 0) and waits for all.
/// The helper threads live as long as this object, so a call allocates nothing: hot loops can use it
/// every step. Not reentrant: one <see cref="Run"/> at a time.
/// </summary>
public sealed class ParallelPartitions : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private Action<int>? _work;
    private Exception? _failure;
    private volatile bool _disposed;

    public ParallelPartitions(int count, string name = "partition")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        _threads = new Thread[count - 1];
        _start = new SemaphoreSlim[count - 1];
        _done = new CountdownEvent(count - 1);
        for (int i = 0; i < _threads.Length; i++)
        {
            _start[i] = new SemaphoreSlim(0);
            int part = i + 1;
            _threads[i] = new Thread(() => Loop(part)) { IsBackground = true, Name = $"{name}-{part}" };
            _threads[i].Start();
        }
    }

    public int Count { get; }

    public void Run(Action<int> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Count == 1)
        {
            work(0);
            return;
        }
        _work = work;
        _failure = null;
        _done.Reset();
        foreach (SemaphoreSlim start in _start) start.Release();
        Exception? own = null;
        try
        {
            work(0);
        }
        catch (Exception e)
        {
            own = e;
        }
        _done.Wait();
        _work = null;
        Exception? failure = own ?? _failure;
        if (failure is not null) throw new AggregateException("a parallel partition failed", failure);
    }

    private void Loop(int part)
    {
        while (true)
        {
            _start[part - 1].Wait();
            if (_disposed) return;
            try
            {
                _work!(part);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            _done.Signal();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (SemaphoreSlim start in _start) start.Release();
        foreach (Thread thread in _threads) thread.Join();
        foreach (SemaphoreSlim start in _start) start.Dispose();
        _done.Dispose();
    }
}
