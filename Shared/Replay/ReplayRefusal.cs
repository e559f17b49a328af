using Grpc.Core;

namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// A replay shard's refusals carry a short stable reason in the <c>softq-reason</c> trailer: the shard counts
/// refusals by it, and a client tells a status the shard sent (e.g. DEADLINE_EXCEEDED for a sample below its minimum size) from
/// one made up on its own side (its local deadline, a broken connection), which carries no trailer.
/// </summary>
public static class ReplayRefusal
{
    public const string ReasonTrailer = "softq-reason";

    public static RpcException Create(StatusCode status, string detail, string reason) =>
        new(new Status(status, detail), new Metadata { { ReasonTrailer, reason } });

    /// <summary>The reason the shard gave, or null for a status that did not come from a shard's refusal.</summary>
    public static string? ReasonOf(RpcException ex) => ex.Trailers.GetValue(ReasonTrailer);
}
