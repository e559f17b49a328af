using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Tests;

/// <summary>A theory that is skipped, with the reason shown, where no OpenBLAS can be loaded.</summary>
public sealed class OpenBlasTheoryAttribute : TheoryAttribute
{
    public OpenBlasTheoryAttribute()
    {
        if (OpenBlasGemm.TryLoad(1, out string reason) is null)
            Skip = $"OpenBLAS not available ({reason}); install libopenblas0-pthread";
    }
}
