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

    public void Dispose()
    {
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
