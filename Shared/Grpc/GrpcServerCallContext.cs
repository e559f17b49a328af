using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>One server-side call: its HTTP context, its deadline (from grpc-timeout) and a token that fires at it, when the client goes away, or when the server stops.</summary>
public sealed class GrpcServerCallContext : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly long _deadlineTimestamp;
    private readonly CancellationToken _shuttingDown;

    internal GrpcServerCallContext(HttpContext httpContext, TimeSpan? timeout, CancellationToken shuttingDown)
    {
        HttpContext = httpContext;
        _shuttingDown = shuttingDown;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, shuttingDown);
        Timeout = timeout;
        if (timeout is { } t)
        {
            _deadlineTimestamp = Stopwatch.GetTimestamp() + (long)(t.TotalSeconds * Stopwatch.Frequency);
            _cancellation.CancelAfter(t);
        }
    }

    public HttpContext HttpContext { get; }

    /// <summary>The time the client allowed, or null for no deadline.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>Fires when the deadline passes, the client goes away, or the server starts to stop.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>True once the deadline has passed (the timer may fire a tick before the clock agrees; either counts).</summary>
    public bool DeadlinePassed => Timeout is not null
        && (Stopwatch.GetTimestamp() >= _deadlineTimestamp || (_cancellation.IsCancellationRequested && !HttpContext.RequestAborted.IsCancellationRequested && !_shuttingDown.IsCancellationRequested));

    /// <summary>True once the server has started to stop.</summary>
    public bool ShuttingDown => _shuttingDown.IsCancellationRequested;

    public void Dispose() => _cancellation.Dispose();
}
