namespace SoftQDistributed.Shared.Replay;

/// <summary>A call waited on the rate limiter and was cancelled (usually by its deadline) before it passed.</summary>
public sealed class RateLimitedException(string operation, string limit, TimeSpan waited, CancellationToken token)
    : OperationCanceledException($"{operation} waited {waited.TotalSeconds:0.###} s for the rate limiter and was stopped first; held by {limit}", token)
{
    public string Operation { get; } = operation;
    public string Limit { get; } = limit;
    public TimeSpan Waited { get; } = waited;
}
