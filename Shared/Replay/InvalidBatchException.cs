namespace SoftQDistributed.Shared.Replay;

/// <summary>A wire batch refused whole: mis-shaped, non-finite or too large. <see cref="Reason"/> is a short stable tag for counting.</summary>
public sealed class InvalidBatchException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
