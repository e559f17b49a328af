namespace SoftQDistributed.Cluster.Tests;

/// <summary>A fresh directory under the temp folder, deleted afterwards unless the test failed to stop its processes.</summary>
internal sealed class TestDirectory : IDisposable
{
    public TestDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "softq-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>SOFTQ_KEEP_TEST_DIRS=1 keeps every run directory (logs, cluster.json) to look at afterwards.</summary>
    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("SOFTQ_KEEP_TEST_DIRS") == "1") return;
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // a child still writing its log; the temp folder is cleaned by the OS
        }
    }
}
