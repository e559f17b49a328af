namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>
/// Which GEMM implementation to use; <c>Auto</c> measures both on the caller's shapes and keeps the faster, or, given no
/// shapes, prefers OpenBLAS and falls back to managed (also when the only BLAS found is not OpenBLAS).
/// </summary>
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
    /// <param name="shapes">What the caller will run, for <c>auto</c> to measure.</param>
    /// <param name="blasLibraries">The BLAS libraries to try, <see cref="OpenBlasGemm.LibraryNames"/> by default.</param>
    public static IGemm Create(GemmBackend backend, int threads, Action<string>? log = null, IReadOnlyList<GemmShape>? shapes = null,
        IReadOnlyList<string>? blasLibraries = null)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "GEMM threads must be at least 1");
        if (backend != GemmBackend.Managed)
        {
            OpenBlasGemm? blas = OpenBlasGemm.TryLoad(threads, out string reason, blasLibraries);
            // auto measures only where the caller says what it will run; otherwise (actors, evaluation) it keeps
            // OpenBLAS without delaying start-up, but not another BLAS that it has not seen win.
            if (blas is not null && backend == GemmBackend.Auto && shapes is { Count: > 0 }) return Race(blas, new ManagedGemm(threads), shapes, log);
            if (blas is { IsOpenBlas: false } && backend == GemmBackend.Auto)
            {
                reason = $"{blas.Library} is not OpenBLAS, and a BLAS such as the reference one is several times slower";
                blas = null;
            }
            if (blas is not null)
            {
                log?.Invoke($"GEMM backend: openblas ({blas.Description}), {blas.Threads} thread(s)");
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

    private static IGemm Race(OpenBlasGemm blas, ManagedGemm managed, IReadOnlyList<GemmShape> shapes, Action<string>? log)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<GemmRace.Entry> ranked = GemmRace.Run([managed, blas], shapes);
        IGemm winner = ranked[0].Gemm;
        string detail = winner is OpenBlasGemm ? blas.Description : managed.Kernel;
        log?.Invoke($"GEMM backend: auto chose {winner.Name} ({detail}), {winner.Threads} thread(s): " +
            string.Join(", ", ranked.Select(e => $"{e.Gemm.Name} {e.Gflops:F1} GFLOP/s")) +
            $" over the {shapes.Count} products of one update, {shapes.Distinct().Count()} shapes, measured in {clock.Elapsed.TotalSeconds:F2} s");
        return winner;
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
