using Grpc.Core;
using SoftQDistributed.ReplayService.Tests.Unit;
using SoftQDistributed.Shared.Proto.Replay;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Integration;

public sealed class AuthTests
{
    [Fact]
    public async Task With_a_token_configured_calls_without_it_or_with_another_are_unauthenticated_and_counted()
    {
        using var dir = new TestDirectory();
        await using ShardProcess shard = await ShardProcess.StartAsync(dir.Path, 0, "--auth-token", "s3cret");
        var insert = new InsertRequest { Batch = TransitionCodec.Encode(TestRows.Batch(4, 3, 2, 0)) };

        foreach (ReplayChannelOptions? options in new[] { null, new ReplayChannelOptions(AuthToken: "guess") })
        {
            using var stranger = new ReplayShardClient(shard.Grpc, options);
            var ex = await Assert.ThrowsAsync<RpcException>(() => stranger.InsertAsync(insert));
            Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => stranger.InfoAsync())).StatusCode);
        }

        using var member = new ReplayShardClient(shard.Grpc, new ReplayChannelOptions(AuthToken: "s3cret"));
        await member.InsertAsync(insert);
        InfoResponse info = await member.InfoAsync();
        Assert.Equal(4UL, info.Size);
        Assert.Equal(4UL, info.Rejected["unauthenticated"]);

        // Probes stay open.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.True((await http.GetAsync(new Uri(shard.Http, "/healthz"))).IsSuccessStatusCode);
    }
}
