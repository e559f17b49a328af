namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>libmujoco 2.2.2 could not be loaded; the message names the Debian package that provides it.</summary>
public sealed class MuJoCoNotFoundException(string reason)
    : InvalidOperationException($"MuJoCo 2.2.2 is not available ({reason}); install the Debian package libmujoco2.2.2")
{
    public string Reason { get; } = reason;
}
