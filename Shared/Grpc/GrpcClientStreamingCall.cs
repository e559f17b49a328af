using System.Runtime.ExceptionServices;
using Google.Protobuf;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>A client-streaming call in progress: write request messages, then complete to get the response.</summary>
public sealed class GrpcClientStreamingCall<TRequest, TResponse> : IAsyncDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly StreamingRequestContent _content;
    private readonly Task<TResponse> _response;
    private readonly CancellationTokenSource _cancellation;

    internal GrpcClientStreamingCall(StreamingRequestContent content, Task<TResponse> response, CancellationTokenSource cancellation)
    {
        _content = content;
        _response = response;
        _cancellation = cancellation;
    }

    /// <summary>Sends one message. If the server has already ended the call, its status is thrown instead.</summary>
    public async ValueTask WriteAsync(TRequest message)
    {
        if (_response.IsCompleted) await _response.ConfigureAwait(false); // throws the server's status
        try
        {
            await _content.WriteAsync(message, _cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception writeError)
        {
            // A write usually fails because the server ended the call; its status says why, so wait for it, for as
            // long as the call may run. The call's token also aborts the exchange, so the response settles then too.
            try
            {
                await _response.WaitAsync(_cancellation.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_response.IsCompleted)
            {
                await _response.ConfigureAwait(false); // DEADLINE_EXCEEDED or CANCELLED
            }
            ExceptionDispatchInfo.Throw(writeError); // the server ended with OK: the write's own failure is the news
        }
    }

    /// <summary>Ends the request stream and waits for the response.</summary>
    public async Task<TResponse> CompleteAsync()
    {
        _content.Complete();
        return await _response.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_response.IsCompleted)
        {
            _content.Abort(new OperationCanceledException("call disposed before it completed"));
            await _cancellation.CancelAsync().ConfigureAwait(false);
        }
        try
        {
            await _response.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Already reported to whoever awaited the call; disposal only releases it.
        }
        _cancellation.Dispose();
    }
}
