namespace SoftQDistributed.ReplayService.Tests.Integration;

/// <summary>A fresh folder under the system temp path, removed afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("softq-replay-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A shard still shutting down may hold a file; the OS cleans temp.
        }
    }
}
