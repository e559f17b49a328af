using SoftQDistributed.Shared.Grpc;
using SoftQDistributed.Shared.Proto.Replay;

namespace SoftQDistributed.ReplayService.Tests.Unit;

public sealed class GrpcClientStreamingCallTests
{
    [Fact]
    public async Task A_failed_write_reports_the_servers_status_however_late_it_comes()
    {
        var response = new TaskCompletionSource<InsertResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancellation = new CancellationTokenSource();
        cancellation.Token.Register(() => response.TrySetCanceled()); // disposal aborts the exchange
        await using var call = Call(response.Task, cancellation);
        Task write = call.WriteAsync(new InsertRequest()).AsTask();

        await Task.Delay(1500); // longer than any fixed grace: the write must still be waiting for the status
        Assert.False(write.IsCompleted);
        response.SetException(new RpcException(StatusCode.InvalidArgument, "bad batch") { FromServer = true });
        var ex = await Assert.ThrowsAsync<RpcException>(() => write.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(StatusCode.InvalidArgument, ex.Status);
    }

    [Fact]
    public async Task A_failed_write_waits_for_the_status_no_longer_than_the_call_may_run()
    {
        var response = new TaskCompletionSource<InsertResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancellation = new CancellationTokenSource();
        // As on the wire: the call's token aborts the HTTP exchange, which then settles as DEADLINE_EXCEEDED.
        cancellation.Token.Register(() => response.TrySetException(new RpcException(StatusCode.DeadlineExceeded, "deadline")));
        await using var call = Call(response.Task, cancellation);
        Task write = call.WriteAsync(new InsertRequest()).AsTask();

        Assert.False(write.IsCompleted);
        await cancellation.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => write.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.Status);
    }

    /// <summary>A call whose request body is already broken, as after the server reset the stream.</summary>
    private static GrpcClientStreamingCall<InsertRequest, InsertResponse> Call(Task<InsertResponse> response, CancellationTokenSource cancellation)
    {
        var content = new StreamingRequestContent();
        content.Abort(new IOException("stream reset by the server"));
        return new GrpcClientStreamingCall<InsertRequest, InsertResponse>(content, response, cancellation);
    }
}
