using System.IO.Pipelines;
using System.Net;
using Google.Protobuf;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>
/// A request body written message by message while the call runs (client streaming): HttpClient hands us its
/// request stream, and the body ends when <see cref="Complete"/> is called.
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<PipeWriter> _writerReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent()
    {
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    public async ValueTask WriteAsync(IMessage message, CancellationToken cancellationToken)
    {
        PipeWriter writer = await _writerReady.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await GrpcFraming.WriteMessageAsync(writer, message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the request body (END_STREAM).</summary>
    public void Complete() => _completed.TrySetResult();

    /// <summary>Abandons the request body, e.g. when the call failed.</summary>
    public void Abort(Exception reason)
    {
        _writerReady.TrySetException(reason);
        _completed.TrySetException(reason);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        PipeWriter writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        _writerReady.TrySetResult(writer);
        await _completed.Task.ConfigureAwait(false);
        await writer.CompleteAsync().ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
