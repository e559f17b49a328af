using Akka.Actor;
using Akka.Hosting;
using Google.Protobuf;
using Grpc.Core;
using SoftQDistributed.ReplayService.Cluster;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;
using ReplayServiceBase = SoftQDistributed.Shared.Proto.Replay.ReplayService.ReplayServiceBase;

namespace SoftQDistributed.ReplayService.Grpc;

/// <summary>
/// The replay service's gRPC methods over one shard (see Shared/Proto/replay.proto), served by Grpc.AspNetCore.
/// Inserts are decoded and checked here, then stored by the shard actor (as the cluster's are); reads go to the table.
/// </summary>
public sealed class ReplayGrpcService(ReplayShard shard, IRequiredActor<ReplayShardActor> shardActor, IHostApplicationLifetime lifetime) : ReplayServiceBase
{
    /// <summary>The actor answers at once; only a stopped or stalled ActorSystem leaves an insert unanswered this long.</summary>
    private static readonly TimeSpan ActorAnswerLimit = TimeSpan.FromSeconds(10);

    private ReplayTable Table => shard.Table;

    public override async Task<InsertResponse> Insert(IAsyncStreamReader<InsertRequest> requests, ServerCallContext context)
    {
        EnsureReady();
        using var scope = new ShardCallScope(context, lifetime.ApplicationStopping);
        IActorRef actor = await shardActor.GetAsync(scope.Token).ConfigureAwait(false);
        var response = new InsertResponse();
        TransitionBatch? batch = null;
        while (await NextAsync(requests, scope).ConfigureAwait(false))
        {
            InsertRequest request = requests.Current;
            int rows = Math.Max(1, TransitionCodec.RowCount(request.Batch));
            int limit = shard.Settings.MaxMessageBytes / (sizeof(float) * (2 * shard.Settings.ObsDim + shard.Settings.ActDim + 1)) + 1;
            if (batch is null || batch.Capacity < rows) batch = new TransitionBatch(Math.Min(rows, limit), shard.Settings.ObsDim, shard.Settings.ActDim);
            try
            {
                TransitionCodec.Decode(request.Batch, shard.Settings.ObsDim, shard.Settings.ActDim, batch);
            }
            catch (InvalidBatchException ex)
            {
                throw Invalid(ex.Reason, ex.Message);
            }
            long first = await StoreAsync(actor, new EdgeInsert(batch, Priorities(request, batch.Count), request.PolicyVersion), scope).ConfigureAwait(false);
            response.Transitions += (ulong)batch.Count;
            response.Batches++;
            response.LastKey = (ulong)(first + batch.Count - 1);
        }
        response.ShardSize = (ulong)Table.Count;
        return response;
    }

    public override async Task Sample(SampleRequest request, IServerStreamWriter<SampleResponse> responses, ServerCallContext context)
    {
        EnsureReady();
        int max = shard.Settings.MaxSampleSize;
        if (request.BatchSize == 0) throw Invalid("bad_sample_size", "batch_size must be at least 1");
        if (request.BatchSize > max) throw Invalid("sample_too_large", $"batch_size {request.BatchSize} exceeds this shard's limit of {max}");
        if (!double.IsFinite(request.ImportanceExponent) || request.ImportanceExponent < 0)
            throw Invalid("bad_importance_exponent", $"importance_exponent must be finite and non-negative, not {request.ImportanceExponent}");
        using var scope = new ShardCallScope(context, lifetime.ApplicationStopping);
        int size = (int)request.BatchSize;
        long batches = Math.Max(1u, request.NumBatches);
        var sample = new ReplaySample(size, shard.Settings.ObsDim, shard.Settings.ActDim);
        for (long b = 0; b < batches; b++)
        {
            try
            {
                await Table.SampleAsync(sample, size, request.ImportanceExponent, scope.Token).ConfigureAwait(false);
            }
            catch (BelowMinSizeException ex) when (scope.DeadlineReached)
            {
                throw ReplayRefusal.Create(StatusCode.DeadlineExceeded, ex.Message, "below_min_size");
            }
            catch (Exception ex) when (ex is ReplayClosedException || (ex is OperationCanceledException && scope.Stopping))
            {
                throw ShuttingDown();
            }
            var response = new SampleResponse { Batch = TransitionCodec.Encode(sample.Batch), ShardSize = (ulong)sample.TableSize };
            for (int i = 0; i < size; i++) response.Keys.Add((ulong)sample.Keys[i]);
            for (int i = 0; i < size; i++) response.Weights.Add(sample.Weights[i]);
            await responses.WriteAsync(response).ConfigureAwait(false);
        }
    }

    public override Task<UpdatePrioritiesResponse> UpdatePriorities(UpdatePrioritiesRequest request, ServerCallContext context)
    {
        EnsureReady();
        if (!Table.IsPrioritized)
            throw ReplayRefusal.Create(StatusCode.FailedPrecondition, "this shard samples uniformly; start it with a priority exponent to use priorities", "not_prioritized");
        if (request.Keys.Count != request.Priorities.Count)
            throw Invalid("mismatched_batch_lengths", $"{request.Keys.Count} keys but {request.Priorities.Count} priorities");
        foreach (double p in request.Priorities)
            if (!double.IsFinite(p) || p < 0) throw Invalid("non_finite_value", $"priority {p} is not finite and non-negative");
        long[] keys = request.Keys.Select(k => k > long.MaxValue ? -1 : (long)k).ToArray();
        int updated = Table.UpdatePriorities(keys, request.Priorities.ToArray());
        return Task.FromResult(new UpdatePrioritiesResponse { Updated = (ulong)updated, Missing = (ulong)(keys.Length - updated) });
    }

    public override Task<InfoResponse> Info(InfoRequest request, ServerCallContext context)
    {
        ReplayTableInfo info = Table.Info();
        ShardSettings s = shard.Settings;
        var response = new InfoResponse
        {
            ShardId = (uint)s.ShardId,
            ObsDim = (uint)s.ObsDim,
            ActDim = (uint)s.ActDim,
            Capacity = (ulong)info.Capacity,
            Size = (ulong)info.Size,
            TotalInserted = (ulong)info.TotalInserted,
            TotalSampled = (ulong)info.TotalSampled,
            InsertCalls = (ulong)info.InsertCalls,
            SampleCalls = (ulong)info.SampleCalls,
            SampleBlockedSeconds = info.SampleBlocked.TotalSeconds,
            SamplesBlockedNow = (uint)info.SamplesBlockedNow,
            Prioritized = Table.IsPrioritized,
            MinSizeToSample = (uint)s.MinSizeToSample,
            SnapshotsWritten = (ulong)shard.Snapshots.SnapshotsWritten,
            LastSnapshotUnixSeconds = shard.Snapshots.LastSnapshotTime?.ToUnixTimeMilliseconds() / 1000.0 ?? 0,
            LastSnapshotPath = shard.Snapshots.LastSnapshotPath ?? "",
            MaxSampleSize = (uint)s.MaxSampleSize,
            NewestPolicyVersion = shard.NewestPolicyVersion,
        };
        foreach ((string reason, long count) in shard.Rejected) response.Rejected[reason] = (ulong)count;
        if (request.IncludeChecksum) response.ContentChecksum = Table.ContentChecksum();
        return Task.FromResult(response);
    }

    public override async Task<CheckpointResponse> Checkpoint(CheckpointRequest request, ServerCallContext context)
    {
        EnsureReady();
        SnapshotResult result = await shard.SnapshotAsync(context.CancellationToken).ConfigureAwait(false);
        return new CheckpointResponse { Path = result.Path, Transitions = (ulong)result.Transitions, Bytes = (ulong)result.Bytes, Seconds = result.Duration.TotalSeconds };
    }

    /// <summary>
    /// The next message of an insert stream. Grpc.AspNetCore reads (and limits) it inside this call, so a broken or
    /// oversize message surfaces here: refused with a reason the shard counts, before anything is stored.
    /// </summary>
    private async Task<bool> NextAsync(IAsyncStreamReader<InsertRequest> requests, ShardCallScope scope)
    {
        try
        {
            return await requests.MoveNext(scope.Token).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
        {
            throw ReplayRefusal.Create(StatusCode.ResourceExhausted,
                $"request message exceeds the limit of {shard.Settings.MaxMessageBytes} bytes (--max-message-bytes); send smaller batches", "message_too_large");
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Internal)
        {
            // Grpc.AspNetCore's own framing errors: "Incomplete message." when the stream ends inside one.
            string reason = ex.Status.Detail.StartsWith("Incomplete message", StringComparison.Ordinal) ? "truncated_frame" : "malformed_frame";
            throw ReplayRefusal.Create(StatusCode.Internal, $"malformed request stream: {ex.Status.Detail}", reason);
        }
        catch (InvalidDataException ex)
        {
            throw ReplayRefusal.Create(StatusCode.Internal, $"malformed request stream: {ex.Message}", "malformed_frame");
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw ReplayRefusal.Create(StatusCode.Internal, $"a request message could not be parsed as InsertRequest: {ex.Message}", "unparsable_message");
        }
        catch (OperationCanceledException) when (scope.Stopping)
        {
            throw ShuttingDown();
        }
        catch (OperationCanceledException) when (scope.DeadlineReached)
        {
            throw ReplayRefusal.Create(StatusCode.DeadlineExceeded, "the call's deadline came while waiting for the next insert message", "deadline");
        }
    }

    /// <summary>
    /// Has the shard actor store one checked batch and returns the key of its first row. An insert the call gave up
    /// on (deadline, stopping, no answer) may still be stored afterwards, as with any unacknowledged write.
    /// </summary>
    private static async Task<long> StoreAsync(IActorRef actor, EdgeInsert insert, ShardCallScope scope)
    {
        EdgeInsertAnswer answer;
        try
        {
            answer = await actor.Ask<EdgeInsertAnswer>(insert, ActorAnswerLimit, scope.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (scope.Stopping && ex is OperationCanceledException or AskTimeoutException)
        {
            throw ShuttingDown();
        }
        catch (OperationCanceledException) when (scope.DeadlineReached)
        {
            throw ReplayRefusal.Create(StatusCode.DeadlineExceeded, "the call's deadline came while the shard stored a batch", "deadline");
        }
        catch (AskTimeoutException)
        {
            throw ReplayRefusal.Create(StatusCode.Unavailable, $"the shard actor did not answer within {ActorAnswerLimit.TotalSeconds:0} s; retry on another shard", "shard_unresponsive");
        }
        // Its only refusal: the table has closed, the process is stopping.
        return answer.Refusal is null ? answer.FirstKey : throw ShuttingDown();
    }

    private double[] Priorities(InsertRequest request, int rows)
    {
        if (request.Priorities.Count == 0) return [];
        if (!Table.IsPrioritized) throw Invalid("unexpected_priorities", "priorities were sent but this shard samples uniformly");
        if (request.Priorities.Count != rows)
            throw Invalid("mismatched_batch_lengths", $"{request.Priorities.Count} priorities for {rows} rows");
        foreach (double p in request.Priorities)
            if (!double.IsFinite(p) || p < 0) throw Invalid("non_finite_value", $"priority {p} is not finite and non-negative");
        return request.Priorities.ToArray();
    }

    private void EnsureReady()
    {
        if (!shard.Ready) throw ReplayRefusal.Create(StatusCode.Unavailable, "shard is restoring its snapshot; retry shortly", "not_ready");
    }

    private static RpcException ShuttingDown() =>
        ReplayRefusal.Create(StatusCode.Unavailable, "server is shutting down; retry on another shard or after restart", "shutting_down");

    private static RpcException Invalid(string reason, string detail) => ReplayRefusal.Create(StatusCode.InvalidArgument, detail, reason);
}
