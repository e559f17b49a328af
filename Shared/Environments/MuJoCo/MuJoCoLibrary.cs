using System.Runtime.InteropServices;

namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// The few MuJoCo 2.2.2 C functions the environments call, bound at run time with <see cref="NativeLibrary"/>
/// so that everything else in the program runs where MuJoCo is not installed. Loaded once per process.
/// </summary>
public sealed unsafe class MuJoCoLibrary
{
    /// <summary>Tried in order: the exact soname of the Debian package, then the development symlink.</summary>
    public static readonly string[] LibraryNames = ["libmujoco.so.2.2.2", "libmujoco.so"];

    /// <summary>mjOBJ_BODY in mjtObj.</summary>
    public const int ObjectBody = 1;

    private static readonly Lazy<(MuJoCoLibrary? Library, string Reason)> Loaded = new(Load);

    internal readonly delegate* unmanaged<byte*, nint, byte*, int, nint> LoadXml;
    internal readonly delegate* unmanaged<nint, nint> MakeData;
    internal readonly delegate* unmanaged<nint, nint, void> ResetData;
    internal readonly delegate* unmanaged<nint, nint, void> Step;
    internal readonly delegate* unmanaged<nint, nint, void> Forward;
    internal readonly delegate* unmanaged<nint, nint, void> RnePostConstraint;
    internal readonly delegate* unmanaged<nint, void> DeleteData;
    internal readonly delegate* unmanaged<nint, void> DeleteModel;
    internal readonly delegate* unmanaged<nint, int, byte*, int> Name2Id;

    private MuJoCoLibrary(string name, nint handle, int version)
    {
        Name = name;
        Version = version;
        LoadXml = (delegate* unmanaged<byte*, nint, byte*, int, nint>)NativeLibrary.GetExport(handle, "mj_loadXML");
        MakeData = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(handle, "mj_makeData");
        ResetData = (delegate* unmanaged<nint, nint, void>)NativeLibrary.GetExport(handle, "mj_resetData");
        Step = (delegate* unmanaged<nint, nint, void>)NativeLibrary.GetExport(handle, "mj_step");
        Forward = (delegate* unmanaged<nint, nint, void>)NativeLibrary.GetExport(handle, "mj_forward");
        RnePostConstraint = (delegate* unmanaged<nint, nint, void>)NativeLibrary.GetExport(handle, "mj_rnePostConstraint");
        DeleteData = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(handle, "mj_deleteData");
        DeleteModel = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(handle, "mj_deleteModel");
        Name2Id = (delegate* unmanaged<nint, int, byte*, int>)NativeLibrary.GetExport(handle, "mj_name2id");
    }

    /// <summary>The shared library that was loaded.</summary>
    public string Name { get; }

    /// <summary>mj_version(): 222 for 2.2.2.</summary>
    public int Version { get; }

    /// <summary>The loaded library; throws <see cref="MuJoCoNotFoundException"/> where it cannot be loaded.</summary>
    public static MuJoCoLibrary Instance => Loaded.Value.Library ?? throw new MuJoCoNotFoundException(Loaded.Value.Reason);

    /// <summary>Whether the library can be loaded; <paramref name="reason"/> says why not.</summary>
    public static bool IsAvailable(out string reason)
    {
        reason = Loaded.Value.Reason;
        return Loaded.Value.Library is not null;
    }

    private static (MuJoCoLibrary?, string) Load()
    {
        var failures = new List<string>();
        foreach (string name in LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle))
            {
                failures.Add($"{name}: not found");
                continue;
            }
            if (!NativeLibrary.TryGetExport(handle, "mj_version", out nint versionExport))
            {
                failures.Add($"{name}: no mj_version");
                continue;
            }
            // The struct offsets in MjLayout hold for exactly one release.
            int version = ((delegate* unmanaged<int>)versionExport)();
            if (version != MjLayout.Version)
            {
                failures.Add($"{name}: version {version}, the bindings need {MjLayout.Version}");
                continue;
            }
            return (new MuJoCoLibrary(name, handle, version), "");
        }
        return (null, string.Join("; ", failures));
    }
}
