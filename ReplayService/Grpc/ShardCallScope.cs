using Grpc.Core;

namespace SoftQDistributed.ReplayService.Grpc;

/// <summary>
/// The token a shard call reads and waits with. It ends when the client goes away; when the server starts to stop
/// (Kestrel drains requests before hosted services stop, so open streams and waits must end for the final snapshot
/// to be written inside a container's grace period); and shortly before the call's deadline: Grpc.AspNetCore answers
/// a passed deadline itself with a bare "Deadline Exceeded" and the client gives up at that same instant, so the
/// shard answers first, with time to spare on a loaded machine, to say which limit held the call.
/// </summary>
internal sealed class ShardCallScope : IDisposable
{
    /// <summary>How long before its deadline a held call is answered at most; half of a shorter budget.</summary>
    private static readonly TimeSpan AnswerMargin = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _nearDeadline = new();
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _stopping;
    private readonly DateTime _deadline;

    public ShardCallScope(ServerCallContext context, CancellationToken stopping)
    {
        _stopping = stopping;
        _deadline = context.Deadline;
        if (_deadline != DateTime.MaxValue)
        {
            TimeSpan left = _deadline - DateTime.UtcNow;
            TimeSpan margin = left > 2 * AnswerMargin ? AnswerMargin : left / 2;
            _nearDeadline.CancelAfter(left - margin > TimeSpan.Zero ? left - margin : TimeSpan.Zero);
        }
        _linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping, _nearDeadline.Token);
    }

    public CancellationToken Token => _linked.Token;

    public bool Stopping => _stopping.IsCancellationRequested;

    /// <summary>The call ended for its deadline (near it, or past it), not because the client left or the server is stopping.</summary>
    public bool DeadlineReached => _nearDeadline.IsCancellationRequested || DateTime.UtcNow >= _deadline;

    public void Dispose()
    {
        _linked.Dispose();
        _nearDeadline.Dispose();
    }
}
