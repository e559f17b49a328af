using System.Runtime.InteropServices;
using System.Text.Json;

namespace SoftQDistributed.Shared.Checkpoints;

/// <summary>
/// Collects tensors and metadata and writes them as one safetensors file: an 8-byte little-endian header
/// length, a UTF-8 JSON header (<c>__metadata__</c> first, then tensors sorted by name, padded with spaces so
/// the data starts 8-byte aligned), then the tensors' raw little-endian bytes, back to back with no holes.
/// The metadata carries every tensor's CRC-32C (<see cref="TensorChecksums"/>), which the reader checks.
/// Values are copied when added, so the caller may keep changing its buffers.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly SortedDictionary<string, (TensorDType DType, long[] Shape, byte[] Data)> _tensors = new(StringComparer.Ordinal);

    static SafetensorsWriter()
    {
        // Tensors are copied as raw memory; safetensors is little-endian.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing needs a little-endian machine");
    }

    /// <summary>String metadata stored under <c>__metadata__</c> (settings, versions, anything a reader should know).</summary>
    public IDictionary<string, string> Metadata { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Adds an F32 tensor; with no <paramref name="shape"/> it is one-dimensional.</summary>
    public SafetensorsWriter Add(string name, ReadOnlySpan<float> values, params ReadOnlySpan<long> shape) =>
        AddBytes(name, TensorDType.F32, MemoryMarshal.AsBytes(values), values.Length, shape);

    /// <summary>Adds an F64 tensor; with no <paramref name="shape"/> it is one-dimensional.</summary>
    public SafetensorsWriter Add(string name, ReadOnlySpan<double> values, params ReadOnlySpan<long> shape) =>
        AddBytes(name, TensorDType.F64, MemoryMarshal.AsBytes(values), values.Length, shape);

    /// <summary>Adds an I64 tensor (counters, generator states); with no <paramref name="shape"/> it is one-dimensional.</summary>
    public SafetensorsWriter Add(string name, ReadOnlySpan<long> values, params ReadOnlySpan<long> shape) =>
        AddBytes(name, TensorDType.I64, MemoryMarshal.AsBytes(values), values.Length, shape);

    /// <summary>The whole file's bytes.</summary>
    public byte[] ToBytes()
    {
        byte[] header = BuildHeader();
        long dataLength = 0;
        foreach (var tensor in _tensors.Values) dataLength += tensor.Data.Length;
        var bytes = new byte[8 + header.Length + dataLength];
        Write(new MemoryStream(bytes), header);
        return bytes;
    }

    /// <summary>
    /// Writes the file atomically: a temporary file beside <paramref name="path"/> is written, flushed to disk
    /// and renamed over it, so a reader never sees a half-written checkpoint.
    /// </summary>
    public void Save(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Write(stream, BuildHeader());
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private SafetensorsWriter AddBytes(string name, TensorDType dtype, ReadOnlySpan<byte> data, int count, ReadOnlySpan<long> shape)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("a tensor needs a name");
        if (name == SafetensorsFile.MetadataKey) throw new ArgumentException($"'{name}' is reserved for metadata");
        if (_tensors.ContainsKey(name)) throw new ArgumentException($"tensor '{name}' was already added");
        long[] dimensions = shape.IsEmpty ? [count] : shape.ToArray();
        long elements = 1;
        foreach (long dimension in dimensions)
        {
            if (dimension < 0) throw new ArgumentException($"tensor '{name}': negative dimension in shape [{string.Join(", ", dimensions)}]");
            elements *= dimension;
        }
        if (elements != count)
            throw new ArgumentException($"tensor '{name}': shape [{string.Join(", ", dimensions)}] holds {elements} values, got {count}");
        _tensors.Add(name, (dtype, dimensions, data.ToArray()));
        return this;
    }

    private byte[] BuildHeader()
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            SortedDictionary<string, string> metadata = MetadataWithChecksums();
            if (metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsFile.MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in _tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", tensor.DType.ToString());
                json.WriteStartArray("shape");
                foreach (long dimension in tensor.Shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + tensor.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += tensor.Data.Length;
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private SortedDictionary<string, string> MetadataWithChecksums()
    {
        var metadata = new SortedDictionary<string, string>(Metadata, StringComparer.Ordinal);
        foreach (string key in Metadata.Keys)
            if (key.StartsWith(TensorChecksums.KeyPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"metadata key '{key}': the prefix '{TensorChecksums.KeyPrefix}' is reserved for the tensors' checksums");
        foreach (var (name, tensor) in _tensors) metadata[TensorChecksums.Key(name)] = TensorChecksums.Of(tensor.Data);
        return metadata;
    }

    private void Write(Stream stream, byte[] header)
    {
        Span<byte> length = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var tensor in _tensors.Values) stream.Write(tensor.Data);
    }
}
