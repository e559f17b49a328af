namespace SoftQDistributed.TestSupport;

/// <summary>A fresh directory under the temp folder, deleted afterwards.</summary>
internal sealed class TestDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("softq-test-").FullName;

    /// <summary>SOFTQ_KEEP_TEST_DIRS=1 keeps every test directory (logs, snapshots, cluster.json) to look at afterwards.</summary>
    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("SOFTQ_KEEP_TEST_DIRS") == "1") return;
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // a process still shutting down may hold a file; the OS cleans the temp folder
        }
    }
}
