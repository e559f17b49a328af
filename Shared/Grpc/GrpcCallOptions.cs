namespace SoftQDistributed.Shared.Grpc;

/// <summary>Per-call settings: a timeout sent as grpc-timeout, and a token to cancel the call.</summary>
public readonly record struct GrpcCallOptions(TimeSpan? Timeout = null, CancellationToken CancellationToken = default);
