using System.Globalization;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Shared.Checkpoints;

/// <summary>
/// A CRC-32C of every tensor's bytes, kept in the safetensors metadata as <c>crc32c.NAME</c> = 8 lowercase hex
/// digits (metadata values are strings; other readers ignore the entries), so a damaged file is refused on load
/// instead of training on with flipped bits.
/// </summary>
public static class TensorChecksums
{
    public const string KeyPrefix = "crc32c.";

    public static string Key(string tensor) => KeyPrefix + tensor;

    public static string Of(ReadOnlySpan<byte> data) => Crc32C.Append(0, data).ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>
    /// Checks every tensor of <paramref name="data"/> (the data region) against its entry in <paramref name="metadata"/>.
    /// A file with no entries at all was written before checksums existed: it is read unchecked, so older runs
    /// still resume. Once a file has entries, every tensor must have a matching one.
    /// </summary>
    public static void Verify(string source, IReadOnlyDictionary<string, string> metadata, IEnumerable<TensorInfo> tensors, ReadOnlySpan<byte> data)
    {
        if (!metadata.Keys.Any(key => key.StartsWith(KeyPrefix, StringComparison.Ordinal))) return;
        foreach (TensorInfo tensor in tensors)
        {
            if (!metadata.TryGetValue(Key(tensor.Name), out string? stored))
                throw Damaged(source, $"tensor \"{tensor.Name}\" has no CRC-32C in the metadata, though the other tensors do");
            string actual = Of(data[(int)tensor.Begin..(int)tensor.End]);
            if (!string.Equals(stored, actual, StringComparison.OrdinalIgnoreCase))
                throw Damaged(source, $"tensor \"{tensor.Name}\" fails its CRC-32C check");
        }
    }

    private static CheckpointException Damaged(string source, string problem) => new($"Checkpoint {source}: {problem} (damaged file)");
}
