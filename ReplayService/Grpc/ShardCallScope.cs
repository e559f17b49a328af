using Grpc.Core;

namespace SoftQDistributed.ReplayService.Grpc;

/// <summary>
/// The token a shard call reads and waits with. It ends when the client goes away; when the server starts to stop
/// (Kestrel drains requests before hosted services stop, so open streams and waits must end for the final snapshot
/// to be written inside a container's grace period); and shortly before the call's deadline: Grpc.AspNetCore answers
/// a passed deadline itself with a bare "Deadline Exceeded" and the client gives up at that same instant, so the
/// shard answers first to say which limit held the call.
/// </summary>
internal sealed class ShardCallScope : IDisposable
{
    /// <summary>How long before its deadline a held call is answered; a quarter of a shorter budget.</summary>
    private static readonly TimeSpan AnswerMargin = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _nearDeadline = new();
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _stopping;

    public ShardCallScope(ServerCallContext context, CancellationToken stopping)
    {
        _stopping = stopping;
        if (context.Deadline != DateTime.MaxValue)
        {
            TimeSpan left = context.Deadline - DateTime.UtcNow;
            TimeSpan margin = left > 4 * AnswerMargin ? AnswerMargin : left / 4;
            _nearDeadline.CancelAfter(left - margin > TimeSpan.Zero ? left - margin : TimeSpan.Zero);
        }
        _linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping, _nearDeadline.Token);
    }

    public CancellationToken Token => _linked.Token;

    public bool Stopping => _stopping.IsCancellationRequested;

    public bool NearDeadline => _nearDeadline.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _nearDeadline.Dispose();
    }
}
