namespace SoftQDistributed.Tests;

/// <summary>A fact that needs Debian's reference BLAS (libblas3), skipped with the reason shown where it is absent.</summary>
public sealed class ReferenceBlasFactAttribute : FactAttribute
{
    public const string Path = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";

    public ReferenceBlasFactAttribute()
    {
        if (!File.Exists(Path)) Skip = $"no reference BLAS at {Path}; install libblas3";
    }
}
