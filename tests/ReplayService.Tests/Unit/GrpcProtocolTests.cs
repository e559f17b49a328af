using SoftQDistributed.Shared.Grpc;

namespace SoftQDistributed.ReplayService.Tests.Unit;

public sealed class GrpcProtocolTests
{
    [Theory]
    [InlineData("1H", 3600_000.0)]
    [InlineData("2M", 120_000.0)]
    [InlineData("5S", 5_000.0)]
    [InlineData("250m", 250.0)]
    [InlineData("1500u", 1.5)]
    [InlineData("2000000n", 2.0)]
    public void Grpc_timeout_units_parse(string header, double milliseconds)
    {
        Assert.True(GrpcProtocol.TryParseTimeout(header, out TimeSpan timeout));
        Assert.Equal(milliseconds, timeout.TotalMilliseconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10x")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    public void Malformed_grpc_timeouts_are_refused(string header) => Assert.False(GrpcProtocol.TryParseTimeout(header, out _));

    [Fact]
    public void Timeouts_format_within_eight_digits()
    {
        Assert.Equal("1500m", GrpcProtocol.FormatTimeout(TimeSpan.FromSeconds(1.5)));
        Assert.Equal("1m", GrpcProtocol.FormatTimeout(TimeSpan.Zero));
        Assert.Equal("200000S", GrpcProtocol.FormatTimeout(TimeSpan.FromSeconds(200_000)));
    }

    [Fact]
    public void Grpc_messages_percent_encode_and_decode_round_trip()
    {
        const string message = "obs 4 ≠ 3: 100% wrong\nnext line";
        string encoded = GrpcProtocol.EncodeMessage(message);
        Assert.DoesNotContain('\n', encoded);
        Assert.Contains("100%25 wrong", encoded);
        Assert.Equal(message, GrpcProtocol.DecodeMessage(encoded));
    }
}
