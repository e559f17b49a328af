using System.Runtime.InteropServices;
using TorchSharp;

namespace SoftQDistributed.Learner.Torch;

/// <summary>Loads libtorch once, with an error that names the fix when it cannot.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<string> Loaded = new(() =>
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return torch.__version__;
        }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or TypeInitializationException or ExternalException)
        {
            throw new InvalidOperationException(
                "libtorch could not be loaded (see docs/backends.md: build with TorchBackend=true; on a libstdc++ older than " +
                $"GCC 13 the build patches its copy of libLibTorchSharp.so): {e.Message}", e);
        }
    });

    /// <summary>The libtorch version, loading it first.</summary>
    public static string EnsureLoaded() => Loaded.Value;
}
