using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>
/// <c>cblas_sgemm</c> from OpenBLAS (or any CBLAS), bound at run time so the program still starts
/// where no BLAS is installed. Safe to call from several threads at once with one BLAS thread each.
/// </summary>
public sealed unsafe class OpenBlasGemm : IGemm
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    /// <summary>Tried in order: the OpenBLAS soname, then the generic BLAS soname (which Debian's alternatives may point at OpenBLAS).</summary>
    public static readonly string[] LibraryNames = ["libopenblas.so.0", "libblas.so.3"];

    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;

    private OpenBlasGemm(string library, nint handle, int threads)
    {
        Library = library;
        _sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLibrary.GetExport(handle, "cblas_sgemm");
        if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint setThreads))
        {
            ((delegate* unmanaged<int, void>)setThreads)(threads);
            Threads = threads;
        }
        else
        {
            Threads = 1; // a BLAS without a thread setting is taken as single-threaded
        }
        if (NativeLibrary.TryGetExport(handle, "openblas_get_config", out nint getConfig))
            Config = Marshal.PtrToStringAnsi((nint)((delegate* unmanaged<byte*>)getConfig)()) ?? "";
    }

    public string Name => "openblas";

    public int Threads { get; }

    /// <summary>The shared library that was loaded.</summary>
    public string Library { get; }

    /// <summary>OpenBLAS's build description (core type, threading), empty for another BLAS.</summary>
    public string Config { get; } = "";

    /// <summary>
    /// False for another CBLAS behind the generic soname, such as the reference BLAS Debian installs as libblas3,
    /// which is several times slower than the managed GEMM: <c>auto</c> keeps it only when it wins a measurement.
    /// </summary>
    public bool IsOpenBlas => Config.Length > 0;

    /// <summary>The library and, for OpenBLAS, its build description: what the logs name.</summary>
    public string Description => IsOpenBlas ? $"{Library}, {Config}" : Library;

    /// <summary>Loads the first BLAS that exports <c>cblas_sgemm</c>; null (with the reason) when none does.</summary>
    /// <param name="libraries">Names or paths to try, <see cref="LibraryNames"/> by default.</param>
    public static OpenBlasGemm? TryLoad(int threads, out string reason, IReadOnlyList<string>? libraries = null)
    {
        ChooseCoreTypeIfUnset();
        var failures = new List<string>();
        foreach (string name in libraries ?? LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle))
            {
                failures.Add($"{name}: not found");
                continue;
            }
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _))
            {
                failures.Add($"{name}: no cblas_sgemm");
                continue;
            }
            reason = "";
            return new OpenBlasGemm(name, handle, threads);
        }
        reason = string.Join("; ", failures);
        return null;
    }

    /// <summary>
    /// OpenBLAS's run-time CPU detection (DYNAMIC_ARCH, 0.3.21 in Debian 12) does not know recent Xeons and falls
    /// back to its slowest x86-64 kernels ("Prescott", about a quarter of the speed here). Unless the user chose a
    /// core with OPENBLAS_CORETYPE, name the newest kernel family this CPU supports before the library loads.
    /// The native environment must be set (setenv): .NET's own environment block is not seen by native code.
    /// </summary>
    private static void ChooseCoreTypeIfUnset()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is not null) return;
        string? core =
            Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported ? "SkylakeX"
            : Avx2.IsSupported && Fma.IsSupported ? "Haswell"
            : null;
        if (core is null) return;
        try
        {
            SetNativeEnvironment("OPENBLAS_CORETYPE", core, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Without libc's setenv OpenBLAS keeps its own detection: slower, still correct.
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment(string name, string value, int overwrite);

    public void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc)
    {
        if (m == 0 || n == 0) return;
        _sgemm(RowMajor, transposeA ? Trans : NoTrans, transposeB ? Trans : NoTrans,
            m, n, k, alpha, a, Math.Max(lda, 1), b, Math.Max(ldb, 1), beta, c, Math.Max(ldc, 1));
    }
}
