using System.Buffers.Binary;
using System.Text;
using SoftQDistributed.Shared.Checkpoints;

namespace SoftQDistributed.Shared.Tests.Checkpoints;

public sealed class SafetensorsCorruptionTests
{
    /// <summary>A file as another writer might make it: <paramref name="header"/> as given, then <paramref name="dataLength"/> zero bytes.</summary>
    internal static byte[] Raw(string header, int dataLength)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Refusal(byte[] bytes)
    {
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Parse(bytes, "ckpt"));
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith("Checkpoint ckpt is not a valid safetensors file: ", error.Message);
        return error.Message["Checkpoint ckpt is not a valid safetensors file: ".Length..];
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "checkpoint.safetensors");
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Load(path));
        Assert.Equal($"Checkpoint not found: {path}", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void A_file_shorter_than_the_length_prefix_is_truncated(int length)
    {
        Assert.Equal($"truncated: {length} bytes, too short for the 8-byte header length", Refusal(new byte[length]));
    }

    [Fact]
    public void A_header_longer_than_the_file_is_truncated()
    {
        byte[] bytes = Raw("{}", 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 50);
        Assert.Equal("truncated: the header claims 50 bytes but only 2 follow", Refusal(bytes));
    }

    [Fact]
    public void An_absurd_header_length_is_refused_without_reading()
    {
        byte[] bytes = Raw("{}", 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        Assert.Contains("header length 18446744073709551615 is implausible", Refusal(bytes));
    }

    [Fact]
    public void A_file_cut_short_in_its_data_is_refused()
    {
        byte[] whole = new SafetensorsWriter().Add("a", [1f, 2f]).Add("b", [3.0, 4.0]).ToBytes();
        Assert.Contains("tensor 'b' data_offsets [8, 24] lie outside the 20-byte data region (truncated file?)", Refusal(whole[..^4]));
    }

    [Theory]
    [InlineData("{not json", "header is not valid JSON")]
    [InlineData("[1, 2]", "header is a JSON Array, not an object")]
    [InlineData("{\"a\": 3}", "tensor 'a' is not a JSON object")]
    [InlineData("{\"a\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", "tensor 'a' has no string 'dtype'")]
    [InlineData("{\"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4]}}", "tensor 'a' has dtype 'F16'; this reader handles F32, F64 and I64")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", "tensor 'a' has no 'shape' array")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "tensor 'a' has a 'shape' entry that is not a non-negative integer: -1")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", "tensor 'a' has 1 data_offsets, not 2")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}", "tensor 'a' data_offsets [4, 0] lie outside the 8-byte data region (truncated file?)")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 12]}}", "tensor 'a' data_offsets [0, 12] lie outside the 8-byte data region (truncated file?)")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", "tensor 'a' spans 8 bytes but F32 [3] needs 12")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", "data region has a hole before tensor 'a' (bytes 0 to 4)")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", "data region is 8 bytes but the tensors cover 4 (trailing bytes or a truncated file)")]
    [InlineData("{\"a\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", "tensor 'b' overlaps the tensor before it")]
    [InlineData("{\"a\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}, \"a\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}}", "header names 'a' twice")]
    [InlineData("{\"__metadata__\": {\"k\": 1}, \"a\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}}", "metadata 'k' is a JSON Number, not a string")]
    [InlineData("{\"__metadata__\": [], \"a\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}}", "'__metadata__' is not a JSON object")]
    public void A_malformed_header_is_refused_with_the_reason(string header, string reason)
    {
        Assert.StartsWith(reason, Refusal(Raw(header, 8)));
    }

    [Fact]
    public void A_scalar_tensor_written_elsewhere_is_read()
    {
        byte[] bytes = Raw("{\"step\": {\"dtype\": \"I64\", \"shape\": [], \"data_offsets\": [0, 8]}}  ", 8);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), 12345);
        Assert.Equal([12345L], SafetensorsFile.Parse(bytes, "ckpt").ReadInt64("step"));
    }
}
