using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;
using Grpc.Core;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Integration;

/// <summary>Every kind of bad input gets its status, a clear message and a counter, and changes nothing stored.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private const string Service = "/softq.replay.v1.ReplayService/";
    private readonly TestDirectory _dir = new();
    private ShardProcess _shard = null!;
    private ReplayShardClient _client = null!;

    public async Task InitializeAsync()
    {
        _shard = await ShardProcess.StartAsync(_dir.Path, 0, "--max-message-bytes", "65536", "--max-sample-size", "512");
        _client = new ReplayShardClient(_shard.Grpc);
        await _client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(40, 3, 2, 0)) });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _shard.DisposeAsync();
        _dir.Dispose();
    }

    public static TheoryData<string, StatusCode, string, string> BadBatches => new()
    {
        { "wrong observation width", StatusCode.InvalidArgument, "wrong_obs_width", "observations are 4 wide but this shard stores observations of width 3" },
        { "wrong action width", StatusCode.InvalidArgument, "wrong_act_width", "actions are 1 wide" },
        { "NaN", StatusCode.InvalidArgument, "non_finite_value", "rewards row 3 holds NaN" },
        { "infinity", StatusCode.InvalidArgument, "non_finite_value", "next_observations row 2 holds +Infinity" },
        { "mismatched lengths", StatusCode.InvalidArgument, "mismatched_batch_lengths", "terminals has 9 entries but rewards has 10 rows" },
        { "oversize message", StatusCode.ResourceExhausted, "message_too_large", "exceeds the limit of 65536 bytes" },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task A_bad_batch_is_refused_whole_with_its_status_and_counted(string kind, StatusCode status, string reason, string message)
    {
        InfoResponse before = await Info();
        InsertRequest good = new() { Batch = TransitionCodec.Encode(TestRows.Batch(10, 3, 2, 1000)) };
        InsertRequest bad = Spoil(kind);
        // One stream: the shard refuses the bad batch and ends the call before the good one is stored.
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.InsertAsync([bad, good]));
        Assert.Equal(status, ex.StatusCode);
        Assert.Contains(message, ex.Status.Detail);
        InfoResponse after = await Info();
        Assert.Equal(before.ContentChecksum, after.ContentChecksum);
        Assert.Equal(before.TotalInserted, after.TotalInserted);
        Assert.Equal(before.Rejected.GetValueOrDefault(reason) + 1, after.Rejected[reason]);
    }

    [Theory]
    [InlineData("truncated", "Incomplete message", "truncated_frame")]
    [InlineData("garbage", "could not be parsed", "unparsable_message")]
    [InlineData("bad flag", "Unexpected compressed flag value", "malformed_frame")]
    public async Task A_broken_frame_is_refused_with_INTERNAL(string kind, string message, string reason)
    {
        InfoResponse before = await Info();
        byte[] payload = new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(5, 3, 2, 2000)) }.ToByteArray();
        byte[] frame = kind switch
        {
            "truncated" => Frame(payload)[..(payload.Length / 2)],
            "garbage" => Frame(Enumerable.Range(0, 64).Select(i => (byte)(0xFF - i)).ToArray()),
            _ => [7, .. Frame(payload)[1..]],
        };
        (StatusCode status, string detail) = await RawCall(Service + "Insert", frame);
        Assert.Equal(StatusCode.Internal, status);
        Assert.Contains(message, detail);
        InfoResponse after = await Info();
        Assert.Equal(before.ContentChecksum, after.ContentChecksum);
        Assert.Equal(before.Rejected.GetValueOrDefault(reason) + 1, after.Rejected[reason]);
    }

    [Theory]
    [InlineData("garbage", StatusCode.Unknown, "unreadable_request")]
    [InlineData("oversize", StatusCode.ResourceExhausted, "message_too_large")]
    public async Task A_broken_single_request_is_refused_before_any_service_code_and_counted(string kind, StatusCode status, string reason)
    {
        InfoResponse before = await Info();
        byte[] frame = Frame(kind == "garbage" ? Enumerable.Range(0, 64).Select(i => (byte)(0xFF - i)).ToArray() : new byte[70_000]);
        (StatusCode got, _) = await RawCall(Service + "Sample", frame);
        Assert.Equal(status, got);
        InfoResponse after = await Info();
        Assert.Equal(before.TotalSampled, after.TotalSampled);
        Assert.Equal(before.Rejected.GetValueOrDefault(reason) + 1, after.Rejected[reason]);
    }

    [Fact]
    public async Task An_unknown_method_is_UNIMPLEMENTED()
    {
        (StatusCode status, string detail) = await RawCall(Service + "Erase", Frame([]));
        Assert.Equal(StatusCode.Unimplemented, status);
        Assert.Contains("Method is unimplemented", detail);
        Assert.Equal(1UL, (await Info()).Rejected["unknown_method"]);
    }

    [Fact]
    public async Task A_sample_larger_than_allowed_is_INVALID_ARGUMENT()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (SampleResponse _ in _client.SampleAsync(new SampleRequest { BatchSize = 513 })) { }
        });
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("batch_size 513 exceeds this shard's limit of 512", ex.Status.Detail);
        Assert.Equal(1UL, (await Info()).Rejected["sample_too_large"]);
    }

    [Fact]
    public async Task A_sample_below_the_minimum_size_fails_at_its_deadline_naming_the_limit_and_is_counted()
    {
        using var dir = new TestDirectory();
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 0, "--min-size", "500");
        using var client = new ReplayShardClient(shard.Grpc);
        await client.InsertAsync(new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(10, 3, 2, 0)) });
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (SampleResponse _ in client.SampleAsync(new SampleRequest { BatchSize = 8 }, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(2)))) { }
        });
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Contains("min_size_to_sample 500: the table holds 10", ex.Status.Detail);
        InfoResponse info = await client.InfoAsync();
        Assert.True(info.SampleBlockedSeconds > 0);
        Assert.Equal(0UL, info.TotalSampled);
        Assert.Equal(1UL, info.Rejected["below_min_size"]);
    }

    private Task<InfoResponse> Info() => _client.InfoAsync(new InfoRequest { IncludeChecksum = true });

    private static InsertRequest Spoil(string kind)
    {
        TransitionBatch rows = TestRows.Batch(10, 3, 2, 500);
        if (kind == "NaN") rows.Rewards[3] = float.NaN;
        if (kind == "infinity") rows.NextObservations[7] = float.PositiveInfinity;
        Transitions wire = TransitionCodec.Encode(rows);
        switch (kind)
        {
            case "wrong observation width":
                wire.Observations = new Tensor { Shape = { 10, 4 }, Data = ByteString.CopyFrom(new byte[10 * 4 * 4]) };
                break;
            case "wrong action width":
                wire.Actions = new Tensor { Shape = { 10, 1 }, Data = ByteString.CopyFrom(new byte[10 * 4]) };
                break;
            case "mismatched lengths":
                wire.Terminals.RemoveAt(0);
                break;
            case "oversize message":
                wire = TransitionCodec.Encode(TestRows.Batch(2000, 3, 2, 500)); // ≈ 100 KB
                break;
        }
        return new InsertRequest { Batch = wire };
    }

    private static byte[] Frame(byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>Sends raw bytes as a gRPC request body and reads back grpc-status and grpc-message.</summary>
    private async Task<(StatusCode, string)> RawCall(string path, byte[] body)
    {
        using var http = new HttpClient(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_shard.Grpc, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        using HttpResponseMessage response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var headers = response.TrailingHeaders.Contains("grpc-status") ? (System.Net.Http.Headers.HttpHeaders)response.TrailingHeaders : response.Headers;
        int code = int.Parse(headers.GetValues("grpc-status").Single());
        string message = headers.TryGetValues("grpc-message", out var values) ? Uri.UnescapeDataString(values.Single()) : "";
        return ((StatusCode)code, message);
    }
}
