using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>
/// A gRPC client connection to one server (http:// for h2c, https:// for TLS): HttpClient over HTTP/2 with a
/// pooled SocketsHttpHandler, multiplexing calls and opening more connections when streams run out.
/// Thread-safe; keep one per server for the life of the process.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly GrpcChannelOptions _options;
    private readonly TimeSpan _deadlineGrace;

    public GrpcChannel(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"gRPC address must be http:// (h2c) or https:// (TLS), not '{address}'", nameof(address));
        Address = address;
        _options = options ?? new GrpcChannelOptions();
        _deadlineGrace = _options.DeadlineGrace ?? TimeSpan.FromSeconds(2);
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        if (_options.ServerCertificateValidation is { } validate) handler.SslOptions.RemoteCertificateValidationCallback = validate;
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public Uri Address { get; }

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string path, TRequest request, MessageParser<TResponse> parser, GrpcCallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        try
        {
            using CancellationTokenSource cancellation = CallCancellation(options);
            using HttpRequestMessage message = NewRequest(path, options, new ByteArrayContent(Frame(request)));
            using HttpResponseMessage response = await SendAsync(message, options, cancellation.Token).ConfigureAwait(false);
            TResponse result = await ReadSingleResponseAsync(response, parser, options, cancellation.Token).ConfigureAwait(false);
            GrpcMetrics.ClientCall(MethodLabel(path), StatusCode.OK);
            return result;
        }
        catch (Exception ex)
        {
            GrpcMetrics.ClientCall(MethodLabel(path), StatusOf(ex));
            throw;
        }
    }

    /// <summary>Starts a client-streaming call; dispose it when done.</summary>
    public GrpcClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(string path, MessageParser<TResponse> parser, GrpcCallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        CancellationTokenSource cancellation = CallCancellation(options);
        var content = new StreamingRequestContent();
        Task<TResponse> response = RunClientStreamingAsync(path, content, parser, options, cancellation.Token);
        return new GrpcClientStreamingCall<TRequest, TResponse>(content, response, cancellation);
    }

    /// <summary>A server-streaming call: the response messages as they arrive; the call's status is thrown at the end if not OK.</summary>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(string path, TRequest request, MessageParser<TResponse> parser,
        GrpcCallOptions options = default, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        // Counted once per call: OK at the end, the failure's status, or CANCELLED when the caller stops reading early.
        StatusCode? status = null;
        IAsyncEnumerator<TResponse> responses = ReadServerStreamAsync(path, request, parser, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await responses.MoveNextAsync().ConfigureAwait(false)) break;
                }
                catch (Exception ex)
                {
                    status = StatusOf(ex);
                    throw;
                }
                yield return responses.Current;
            }
            status = StatusCode.OK;
        }
        finally
        {
            GrpcMetrics.ClientCall(MethodLabel(path), status ?? StatusCode.Cancelled);
            await responses.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<TResponse> ReadServerStreamAsync<TRequest, TResponse>(string path, TRequest request, MessageParser<TResponse> parser,
        GrpcCallOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        using var callerTokens = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, cancellationToken);
        options = options with { CancellationToken = callerTokens.Token };
        using CancellationTokenSource cancellation = CallCancellation(options);
        using HttpRequestMessage message = NewRequest(path, options, new ByteArrayContent(Frame(request)));
        using HttpResponseMessage response = await SendAsync(message, options, cancellation.Token).ConfigureAwait(false);
        CheckHeaders(response);
        PipeReader reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellation.Token).ConfigureAwait(false));
        while (true)
        {
            TResponse? item = await Guard(() => GrpcFraming.ReadMessageAsync(reader, parser, _options.MaxReceiveMessageSize, cancellation.Token).AsTask(), options).ConfigureAwait(false);
            if (item is null) break;
            yield return item;
        }
        await reader.CompleteAsync().ConfigureAwait(false);
        CheckTrailers(response);
    }

    public void Dispose() => _invoker.Dispose();

    private async Task<TResponse> RunClientStreamingAsync<TResponse>(string path, StreamingRequestContent content, MessageParser<TResponse> parser,
        GrpcCallOptions options, CancellationToken token)
        where TResponse : class, IMessage<TResponse>
    {
        await Task.Yield(); // let the caller have the call object before any I/O
        try
        {
            using HttpRequestMessage message = NewRequest(path, options, content);
            using HttpResponseMessage response = await SendAsync(message, options, token).ConfigureAwait(false);
            TResponse result = await ReadSingleResponseAsync(response, parser, options, token).ConfigureAwait(false);
            GrpcMetrics.ClientCall(MethodLabel(path), StatusCode.OK);
            return result;
        }
        catch (Exception ex)
        {
            GrpcMetrics.ClientCall(MethodLabel(path), StatusOf(ex));
            content.Abort(ex);
            throw;
        }
    }

    private async Task<TResponse> ReadSingleResponseAsync<TResponse>(HttpResponseMessage response, MessageParser<TResponse> parser, GrpcCallOptions options, CancellationToken token)
        where TResponse : class, IMessage<TResponse>
    {
        CheckHeaders(response);
        PipeReader reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false));
        TResponse? first = await Guard(() => GrpcFraming.ReadMessageAsync(reader, parser, _options.MaxReceiveMessageSize, token).AsTask(), options).ConfigureAwait(false);
        TResponse? extra = first is null ? null
            : await Guard(() => GrpcFraming.ReadMessageAsync(reader, parser, _options.MaxReceiveMessageSize, token).AsTask(), options).ConfigureAwait(false);
        await reader.CompleteAsync().ConfigureAwait(false);
        CheckTrailers(response);
        if (first is null) throw new RpcException(StatusCode.Internal, "the server ended the call with OK but sent no response message");
        if (extra is not null) throw new RpcException(StatusCode.Unimplemented, "the server sent more than one response message to a single-response call");
        return first;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, GrpcCallOptions options, CancellationToken token)
    {
        HttpResponseMessage response = await Guard(() => _invoker.SendAsync(message, token), options).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            StatusCode status = response.StatusCode switch
            {
                HttpStatusCode.BadRequest => StatusCode.Internal,
                HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
                HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
                HttpStatusCode.NotFound => StatusCode.Unimplemented,
                HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
                _ => StatusCode.Unknown,
            };
            response.Dispose();
            throw new RpcException(status, $"HTTP status {(int)response.StatusCode} from {Address}");
        }
        return response;
    }

    /// <summary>Turns transport failures and local cancellation into gRPC statuses.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> operation, GrpcCallOptions options)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!options.CancellationToken.IsCancellationRequested && options.Timeout is not null)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, $"deadline of {options.Timeout.Value.TotalSeconds:0.###} s exceeded (no answer from {Address})", inner: ex);
        }
        catch (OperationCanceledException ex) when (options.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(StatusCode.Cancelled, "call cancelled", inner: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new RpcException(StatusCode.Unavailable, $"cannot reach {Address}: {ex.Message}", inner: ex);
        }
        catch (IOException ex)
        {
            throw new RpcException(StatusCode.Unavailable, $"connection to {Address} failed: {ex.Message}", inner: ex);
        }
    }

    private HttpRequestMessage NewRequest(string path, GrpcCallOptions options, HttpContent content)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        message.Headers.TryAddWithoutValidation("te", "trailers");
        if (_options.AuthToken is { } token) message.Headers.TryAddWithoutValidation(GrpcProtocol.AuthorizationHeader, GrpcProtocol.BearerPrefix + token);
        if (options.Timeout is { } timeout) message.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcProtocol.FormatTimeout(timeout));
        content.Headers.ContentType ??= new MediaTypeHeaderValue(GrpcProtocol.ContentType);
        return message;
    }

    private CancellationTokenSource CallCancellation(GrpcCallOptions options)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        if (options.Timeout is { } timeout) cancellation.CancelAfter(timeout + _deadlineGrace);
        return cancellation;
    }

    /// <summary>The method label of the RPC metrics: the path without its leading slash (interned once per path).</summary>
    private static string MethodLabel(string path) =>
        MethodLabels.TryGetValue(path, out string? label) ? label : MethodLabels.GetOrAdd(path, p => p.TrimStart('/'));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> MethodLabels = new(StringComparer.Ordinal);

    private static StatusCode StatusOf(Exception ex) => ex switch
    {
        RpcException rpc => rpc.Status,
        OperationCanceledException => StatusCode.Cancelled,
        _ => StatusCode.Unknown,
    };

    private static byte[] Frame(IMessage message)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(GrpcProtocol.FrameHeaderSize + message.CalculateSize());
        GrpcFraming.Write(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }

    private static void CheckHeaders(HttpResponseMessage response)
    {
        // A trailers-only response carries the status in its headers and has no body.
        if (TryStatus(response.Headers, out StatusCode status, out string detail) && status != StatusCode.OK)
            throw new RpcException(status, detail) { FromServer = true };
        string? contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType is null || !contentType.StartsWith(GrpcProtocol.ContentType, StringComparison.Ordinal))
            throw new RpcException(StatusCode.Unknown, $"response content-type '{contentType}' is not gRPC");
    }

    private static void CheckTrailers(HttpResponseMessage response)
    {
        if (TryStatus(response.TrailingHeaders, out StatusCode status, out string detail) || TryStatus(response.Headers, out status, out detail))
        {
            if (status != StatusCode.OK) throw new RpcException(status, detail) { FromServer = true };
            return;
        }
        throw new RpcException(StatusCode.Unknown, "the response ended without a grpc-status");
    }

    private static bool TryStatus(HttpHeaders headers, out StatusCode status, out string detail)
    {
        status = StatusCode.Unknown;
        detail = "";
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out IEnumerable<string>? values)) return false;
        string raw = values.FirstOrDefault() ?? "";
        status = int.TryParse(raw, out int code) ? (StatusCode)code : StatusCode.Unknown;
        if (headers.TryGetValues(GrpcProtocol.MessageHeader, out IEnumerable<string>? messages))
            detail = GrpcProtocol.DecodeMessage(messages.FirstOrDefault());
        return true;
    }
}
