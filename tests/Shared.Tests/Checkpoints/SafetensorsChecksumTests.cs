using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Shared.Tests.Checkpoints;

public sealed class SafetensorsChecksumTests
{
    private static SafetensorsWriter SampleWriter() => new SafetensorsWriter()
        .Add("a", [1f, -2f, 3.5f])
        .Add("b", [Math.PI, -1e-300])
        .Add("empty", ReadOnlySpan<float>.Empty)
        .Add("z", [7L, long.MinValue]);

    [Fact]
    public void The_checksum_is_the_standard_CRC_32C()
    {
        Assert.Equal(0xE3069283u, Crc32C.Append(0, "123456789"u8)); // the check value of CRC-32C (Castagnoli)
    }

    [Fact]
    public void Every_tensor_has_the_CRC_32C_of_its_bytes_in_the_metadata()
    {
        SafetensorsFile file = SafetensorsFile.Parse(SampleWriter().ToBytes(), "memory");

        string Expected<T>(T[] values) where T : unmanaged =>
            Crc32C.Append(0, MemoryMarshal.AsBytes(values.AsSpan())).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Expected(new[] { 1f, -2f, 3.5f }), file.Metadata["crc32c.a"]);
        Assert.Equal(Expected(new[] { Math.PI, -1e-300 }), file.Metadata["crc32c.b"]);
        Assert.Equal("00000000", file.Metadata["crc32c.empty"]);
        Assert.Equal(Expected(new[] { 7L, long.MinValue }), file.Metadata["crc32c.z"]);
    }

    [Fact]
    public void A_byte_flipped_anywhere_in_the_data_is_refused_naming_its_tensor()
    {
        byte[] whole = SampleWriter().ToBytes();
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(whole);
        IReadOnlyList<TensorInfo> tensors = SafetensorsFile.Parse(whole, "memory").Tensors;

        for (long position = dataStart; position < whole.Length; position++)
        {
            byte[] damaged = (byte[])whole.Clone();
            damaged[position] ^= 0x01;
            TensorInfo hit = tensors.Single(t => position - dataStart >= t.Begin && position - dataStart < t.End);
            var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Parse(damaged, "ckpt"));
            Assert.Equal($"Checkpoint ckpt: tensor \"{hit.Name}\" fails its CRC-32C check (damaged file)", error.Message);
        }
    }

    [Fact]
    public void A_tensor_without_a_checksum_in_a_checksummed_file_is_refused()
    {
        string zeros = TensorChecksums.Of(new byte[4]);
        static byte[] Checksummed(string metadata) => SafetensorsCorruptionTests.Raw("{\"__metadata__\": {" + metadata + "}, " +
            "\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8);
        SafetensorsFile.Parse(Checksummed($"\"crc32c.a\": \"{zeros}\", \"crc32c.b\": \"{zeros}\""), "ckpt");

        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Parse(Checksummed($"\"crc32c.a\": \"{zeros}\""), "ckpt"));
        Assert.Equal("Checkpoint ckpt: tensor \"b\" has no CRC-32C in the metadata, though the other tensors do (damaged file)", error.Message);
    }

    [Fact]
    public void A_file_written_before_checksums_loads_unchecked()
    {
        byte[] bytes = SafetensorsCorruptionTests.Raw("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", 8);
        bytes[^1] ^= 0x40;
        Assert.Equal([0f, 2f], SafetensorsFile.Parse(bytes, "old").ReadFloat32("a"));
    }

    [Fact]
    public void The_checksum_prefix_is_reserved_in_the_writers_metadata()
    {
        SafetensorsWriter writer = SampleWriter();
        writer.Metadata["crc32c.a"] = "00000000";
        Assert.Throws<ArgumentException>(() => writer.ToBytes());
    }
}
