namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>Which GEMM implementation to use; <c>Auto</c> prefers OpenBLAS and falls back to managed.</summary>
public enum GemmBackend
{
    Auto,
    OpenBlas,
    Managed,
}

/// <summary>Creates the configured GEMM and says once, on the log, which one it chose and why.</summary>
public static class GemmFactory
{
    /// <param name="threads">Threads one GEMM call may use.</param>
    /// <param name="log">Receives one line describing the choice (pass null to stay silent).</param>
    public static IGemm Create(GemmBackend backend, int threads, Action<string>? log = null)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "GEMM threads must be at least 1");
        if (backend != GemmBackend.Managed)
        {
            OpenBlasGemm? blas = OpenBlasGemm.TryLoad(threads, out string reason);
            if (blas is not null)
            {
                log?.Invoke($"GEMM backend: openblas ({blas.Library}{(blas.Config.Length > 0 ? ", " + blas.Config : "")}), {blas.Threads} thread(s)");
                return blas;
            }
            if (backend == GemmBackend.OpenBlas)
                throw new InvalidOperationException($"GEMM backend 'openblas' was requested but no BLAS could be loaded ({reason}); install libopenblas0-pthread or choose 'managed'");
            var fallback = new ManagedGemm(threads);
            log?.Invoke($"GEMM backend: managed ({fallback.Kernel}), {threads} thread(s); OpenBLAS unavailable: {reason}");
            return fallback;
        }
        var managed = new ManagedGemm(threads);
        log?.Invoke($"GEMM backend: managed ({managed.Kernel}), {threads} thread(s)");
        return managed;
    }

    /// <summary>Parses "auto", "openblas" or "managed" (any case), with a clear error otherwise.</summary>
    public static GemmBackend Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => GemmBackend.Auto,
        "openblas" => GemmBackend.OpenBlas,
        "managed" => GemmBackend.Managed,
        _ => throw new ArgumentException($"unknown GEMM backend '{name}': expected auto, openblas or managed"),
    };
}
