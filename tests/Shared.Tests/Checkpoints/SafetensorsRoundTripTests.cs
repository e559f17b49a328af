using System.Buffers.Binary;
using System.Text;
using SoftQDistributed.Shared.Checkpoints;

namespace SoftQDistributed.Shared.Tests.Checkpoints;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static SafetensorsWriter SampleWriter()
    {
        var writer = new SafetensorsWriter()
            .Add("q/w0", [1f, -2.5f, float.Epsilon, float.MaxValue, float.NaN, float.NegativeInfinity], 2, 3)
            .Add("adam/m", [Math.PI, -0.0, 1e-300])
            .Add("counters", [long.MinValue, -1L, 0L, long.MaxValue], 2, 2)
            .Add("empty", ReadOnlySpan<float>.Empty, 0, 4);
        writer.Metadata["env"] = "multigoal";
        writer.Metadata["note"] = "ünïcode \"quoted\"\nline";
        return writer;
    }

    [Fact]
    public void Tensors_and_metadata_survive_a_round_trip_bit_exactly()
    {
        string path = Path.Combine(_directory.Path, "checkpoint.safetensors");
        SampleWriter().Save(path);

        SafetensorsFile file = SafetensorsFile.Load(path);

        float[] weights = file.ReadFloat32("q/w0");
        Assert.Equal([1f, -2.5f, float.Epsilon, float.MaxValue], weights[..4]);
        Assert.True(float.IsNaN(weights[4]));
        Assert.Equal(float.NegativeInfinity, weights[5]);
        Assert.Equal([2L, 3L], file.Info("q/w0").Shape);
        double[] moments = file.ReadFloat64("adam/m");
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(moments[1]));
        Assert.Equal([Math.PI, -0.0, 1e-300], moments);
        Assert.Equal([long.MinValue, -1L, 0L, long.MaxValue], file.ReadInt64("counters"));
        Assert.Empty(file.ReadFloat32("empty"));
        Assert.Equal([0L, 4L], file.Info("empty").Shape);
        Assert.Equal("multigoal", file.Metadata["env"]);
        Assert.Equal("ünïcode \"quoted\"\nline", file.RequireMetadata("note"));
    }

    [Fact]
    public void Reading_into_a_caller_buffer_checks_the_length()
    {
        SafetensorsFile file = SafetensorsFile.Parse(SampleWriter().ToBytes(), "memory");
        var destination = new long[4];
        file.ReadInt64("counters", destination);
        Assert.Equal(long.MaxValue, destination[3]);

        var error = Assert.Throws<CheckpointException>(() => file.ReadFloat32("q/w0", new float[5]));
        Assert.Equal("Checkpoint memory has tensor 'q/w0' with shape [2, 3] (6 values) where 5 were expected", error.Message);
    }

    [Fact]
    public void Asking_for_a_missing_tensor_or_the_wrong_type_is_a_clear_error()
    {
        SafetensorsFile file = SafetensorsFile.Parse(SampleWriter().ToBytes(), "memory");
        Assert.Equal("Checkpoint memory has no tensor 'policy/w0'",
            Assert.Throws<CheckpointException>(() => file.ReadFloat32("policy/w0")).Message);
        Assert.Equal("Checkpoint memory has tensor 'counters' as I64, not F32",
            Assert.Throws<CheckpointException>(() => file.ReadFloat32("counters")).Message);
        Assert.Equal("Checkpoint memory has no metadata entry 'seed'",
            Assert.Throws<CheckpointException>(() => file.RequireMetadata("seed")).Message);
    }

    [Fact]
    public void Layout_is_length_prefix_then_aligned_json_then_data()
    {
        byte[] bytes = SampleWriter().ToBytes();

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{\"__metadata__\":{", header);
        Assert.Contains("\"q/w0\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[", header);
        long dataLength = 3 * 8 + 4 * 8 + 0 + 6 * 4;
        Assert.Equal(8 + (long)headerLength + dataLength, bytes.Length);
    }

    [Fact]
    public void Save_replaces_an_existing_file_and_leaves_no_temporary_files()
    {
        string path = Path.Combine(_directory.Path, "run", "checkpoint.safetensors");
        new SafetensorsWriter().Add("x", [1f]).Save(path);
        new SafetensorsWriter().Add("x", [2f, 3f]).Save(path);

        Assert.Equal([2f, 3f], SafetensorsFile.Load(path).ReadFloat32("x"));
        Assert.Equal(["checkpoint.safetensors"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        Assert.Equal(File.ReadAllBytes(path), new SafetensorsWriter().Add("x", [2f, 3f]).ToBytes());
    }

    [Fact]
    public void Shapes_that_do_not_match_the_values_are_refused_when_added()
    {
        var writer = new SafetensorsWriter();
        Assert.Throws<ArgumentException>(() => writer.Add("w", [1f, 2f, 3f], 2, 2));
        writer.Add("w", [1f]);
        Assert.Throws<ArgumentException>(() => writer.Add("w", [1f]));
        Assert.Throws<ArgumentException>(() => writer.Add(SafetensorsFile.MetadataKey, [1f]));
    }
}
