using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Tests;

/// <summary>A fact that is skipped, with the reason shown, where no OpenBLAS can be loaded.</summary>
public sealed class OpenBlasFactAttribute : FactAttribute
{
    public OpenBlasFactAttribute()
    {
        if (OpenBlasGemm.TryLoad(1, out string reason) is null)
            Skip = $"OpenBLAS not available ({reason}); install libopenblas0-pthread";
    }
}
