using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace SoftQDistributed.Shared.Checkpoints;

/// <summary>
/// A safetensors file read into memory and validated up front: the header length, the header JSON, every
/// tensor's dtype, shape and byte range (inside the data region, sized to the shape, back to back with no
/// holes) and its CRC-32C (<see cref="TensorChecksums"/>). Anything wrong is a <see cref="CheckpointException"/>
/// with a one-line message naming the file.
/// </summary>
public sealed class SafetensorsFile
{
    public const string MetadataKey = "__metadata__";

    /// <summary>Headers above this are refused as corrupt rather than read (the reference reader's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private readonly byte[] _bytes;
    private readonly long _dataStart;
    private readonly Dictionary<string, TensorInfo> _tensors;

    private SafetensorsFile(string source, byte[] bytes, long dataStart, Dictionary<string, TensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Source = source;
        _bytes = bytes;
        _dataStart = dataStart;
        _tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The path (or description) the bytes came from, used in error messages.</summary>
    public string Source { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in file order.</summary>
    public IReadOnlyList<TensorInfo> Tensors => [.. _tensors.Values.OrderBy(t => t.Begin)];

    public static SafetensorsFile Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CheckpointException($"Checkpoint not found: {path}", error);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Checkpoint {path} cannot be read: {OneLine(error.Message)}", error);
        }
        return Parse(bytes, path);
    }

    /// <summary>Validates <paramref name="bytes"/> as a safetensors file; <paramref name="source"/> names it in errors.</summary>
    public static SafetensorsFile Parse(byte[] bytes, string source)
    {
        if (bytes.Length < 8)
            throw Corrupt(source, $"truncated: {bytes.Length} bytes, too short for the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderLength)
            throw Corrupt(source, $"header length {headerLength} is implausible (limit {MaxHeaderLength}); not a safetensors file?");
        if ((ulong)bytes.Length - 8 < headerLength)
            throw Corrupt(source, $"truncated: the header claims {headerLength} bytes but only {bytes.Length - 8} follow");

        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        var tensors = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);

        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException error)
        {
            throw Corrupt(source, $"header is not valid JSON ({OneLine(error.Message)})");
        }
        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
                throw Corrupt(source, $"header is a JSON {header.RootElement.ValueKind}, not an object");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in header.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw Corrupt(source, $"header names '{property.Name}' twice");
                if (property.Name == MetadataKey) ReadMetadata(source, property.Value, metadata);
                else tensors.Add(property.Name, ReadTensor(source, property.Name, property.Value, dataLength));
            }
        }
        CheckCoverage(source, tensors.Values, dataLength);
        TensorChecksums.Verify(source, metadata, tensors.Values, bytes.AsSpan((int)dataStart));
        return new SafetensorsFile(source, bytes, dataStart, tensors, metadata);
    }

    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/>; a missing tensor is a <see cref="CheckpointException"/>.</summary>
    public TensorInfo Info(string name) =>
        _tensors.TryGetValue(name, out TensorInfo? info) ? info : throw Unusable(Source, $"has no tensor '{name}'");

    public float[] ReadFloat32(string name) => Read<float>(name, TensorDType.F32);

    public double[] ReadFloat64(string name) => Read<double>(name, TensorDType.F64);

    public long[] ReadInt64(string name) => Read<long>(name, TensorDType.I64);

    /// <summary>Copies an F32 tensor into <paramref name="destination"/>, which must hold exactly its values.</summary>
    public void ReadFloat32(string name, Span<float> destination) => CopyTo(name, TensorDType.F32, destination);

    public void ReadFloat64(string name, Span<double> destination) => CopyTo(name, TensorDType.F64, destination);

    public void ReadInt64(string name, Span<long> destination) => CopyTo(name, TensorDType.I64, destination);

    /// <summary>Metadata value for <paramref name="key"/>; a missing key is a <see cref="CheckpointException"/>.</summary>
    public string RequireMetadata(string key) =>
        Metadata.TryGetValue(key, out string? value) ? value : throw Unusable(Source, $"has no metadata entry '{key}'");

    private T[] Read<T>(string name, TensorDType dtype) where T : unmanaged
    {
        TensorInfo info = Checked(name, dtype);
        var values = new T[info.ElementCount];
        Bytes(info).CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private void CopyTo<T>(string name, TensorDType dtype, Span<T> destination) where T : unmanaged
    {
        TensorInfo info = Checked(name, dtype);
        if (info.ElementCount != destination.Length)
            throw Unusable(Source, $"has tensor '{name}' with shape {info.ShapeText} ({info.ElementCount} values) where {destination.Length} were expected");
        Bytes(info).CopyTo(MemoryMarshal.AsBytes(destination));
    }

    private TensorInfo Checked(string name, TensorDType dtype)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading needs a little-endian machine");
        TensorInfo info = Info(name);
        if (info.DType != dtype) throw Unusable(Source, $"has tensor '{name}' as {info.DType}, not {dtype}");
        return info;
    }

    private ReadOnlySpan<byte> Bytes(TensorInfo info) =>
        _bytes.AsSpan((int)(_dataStart + info.Begin), (int)(info.End - info.Begin));

    private static void ReadMetadata(string source, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Corrupt(source, $"'{MetadataKey}' is not a JSON object");
        foreach (JsonProperty entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw Corrupt(source, $"metadata '{entry.Name}' is a JSON {entry.Value.ValueKind}, not a string");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw Corrupt(source, $"metadata names '{entry.Name}' twice");
        }
    }

    private static TensorInfo ReadTensor(string source, string name, JsonElement element, long dataLength)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Corrupt(source, $"tensor '{name}' is not a JSON object");
        if (!element.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Corrupt(source, $"tensor '{name}' has no string 'dtype'");
        string dtypeName = dtypeElement.GetString()!;
        if (!TensorDTypes.TryParse(dtypeName, out TensorDType dtype))
            throw Corrupt(source, $"tensor '{name}' has dtype '{dtypeName}'; this reader handles F32, F64 and I64");
        long[] shape = ReadIntegers(source, name, element, "shape");
        long[] offsets = ReadIntegers(source, name, element, "data_offsets");
        if (offsets.Length != 2) throw Corrupt(source, $"tensor '{name}' has {offsets.Length} data_offsets, not 2");

        var info = new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
        if (info.Begin > info.End || info.End > dataLength)
            throw Corrupt(source, $"tensor '{name}' data_offsets [{info.Begin}, {info.End}] lie outside the {dataLength}-byte data region (truncated file?)");
        long expectedBytes;
        try
        {
            expectedBytes = checked(info.ElementCount * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw Corrupt(source, $"tensor '{name}' shape {info.ShapeText} is too large");
        }
        if (info.End - info.Begin != expectedBytes)
            throw Corrupt(source, $"tensor '{name}' spans {info.End - info.Begin} bytes but {dtype} {info.ShapeText} needs {expectedBytes}");
        return info;
    }

    private static long[] ReadIntegers(string source, string name, JsonElement element, string field)
    {
        if (!element.TryGetProperty(field, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
            throw Corrupt(source, $"tensor '{name}' has no '{field}' array");
        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0)
                throw Corrupt(source, $"tensor '{name}' has a '{field}' entry that is not a non-negative integer: {item.GetRawText()}");
            values[i++] = value;
        }
        return values;
    }

    /// <summary>The format requires the tensors to tile the data region exactly: no overlaps, no holes.</summary>
    private static void CheckCoverage(string source, IEnumerable<TensorInfo> tensors, long dataLength)
    {
        long expectedBegin = 0;
        foreach (TensorInfo info in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (info.Begin < expectedBegin) throw Corrupt(source, $"tensor '{info.Name}' overlaps the tensor before it");
            if (info.Begin > expectedBegin) throw Corrupt(source, $"data region has a hole before tensor '{info.Name}' (bytes {expectedBegin} to {info.Begin})");
            expectedBegin = info.End;
        }
        if (expectedBegin != dataLength)
            throw Corrupt(source, $"data region is {dataLength} bytes but the tensors cover {expectedBegin} (trailing bytes or a truncated file)");
    }

    private static CheckpointException Corrupt(string source, string problem) =>
        new($"Checkpoint {source} is not a valid safetensors file: {problem}");

    private static CheckpointException Unusable(string source, string problem) => new($"Checkpoint {source} {problem}");

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
