using SoftQDistributed.Shared.Environments.MuJoCo;

namespace SoftQDistributed.Shared.Tests.Environments.MuJoCo;

/// <summary>
/// A fact that is skipped, with the reason shown, where libmujoco 2.2.2 cannot be loaded, or, when it needs the
/// compiler, where gcc or the MuJoCo headers (libmujoco-dev) are missing.
/// </summary>
public sealed class MuJoCoFactAttribute : FactAttribute
{
    public const string Header = "/usr/include/mujoco/mujoco.h";

    public MuJoCoFactAttribute(bool needsCompiler = false) => Skip = SkipReason(needsCompiler);

    public static string? Gcc => ToolFactAttribute.Find("gcc");

    internal static string? SkipReason(bool needsCompiler)
    {
        if (!MuJoCoLibrary.IsAvailable(out string reason)) return $"MuJoCo not available ({reason}); install libmujoco2.2.2";
        if (needsCompiler && (Gcc is null || !File.Exists(Header)))
            return $"needs gcc and {Header} to compile the offsetof check; install gcc libmujoco-dev";
        return null;
    }
}

/// <summary>A theory that is skipped, with the reason shown, where libmujoco 2.2.2 cannot be loaded.</summary>
public sealed class MuJoCoTheoryAttribute : TheoryAttribute
{
    public MuJoCoTheoryAttribute() => Skip = MuJoCoFactAttribute.SkipReason(needsCompiler: false);
}
