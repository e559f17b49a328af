using System.Net.Security;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>How a <see cref="GrpcChannel"/> connects.</summary>
/// <param name="MaxReceiveMessageSize">Larger response messages fail the call with RESOURCE_EXHAUSTED.</param>
/// <param name="ServerCertificateValidation">For https addresses: accept a server certificate (null: the system's trust store).</param>
/// <param name="DeadlineGrace">
/// How long after its deadline a call is abandoned locally. The server enforces the deadline itself and says
/// why it stopped; the grace lets that explanation arrive before the client gives up on its own.
/// </param>
/// <param name="AuthToken">Sent with every call as <c>authorization: Bearer AuthToken</c> when set.</param>
public sealed record GrpcChannelOptions(
    int MaxReceiveMessageSize = GrpcProtocol.DefaultMaxMessageSize,
    RemoteCertificateValidationCallback? ServerCertificateValidation = null,
    TimeSpan? DeadlineGrace = null,
    string? AuthToken = null);
