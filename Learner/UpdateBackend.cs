using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Learner;

/// <summary>
/// <c>--backend</c>: where the update's gradients come from. <c>auto</c>, <c>openblas</c> and <c>managed</c> are ours
/// (<see cref="ManagedGradients"/>) on that GEMM; <c>torch</c> is TorchSharp's, a plugin (<see cref="TorchPlugin"/>).
/// The actors and evaluations run the sampling network on a GEMM whatever the backend: under torch, OpenBLAS where it
/// loads, else the managed one.
/// </summary>
public static class UpdateBackend
{
    private const string Torch = "torch";

    public static readonly IReadOnlyList<string> Names = ["auto", "openblas", "managed", Torch];

    public static bool IsKnown(string name) => Names.Contains(name.Trim().ToLowerInvariant());

    public static bool IsTorch(string name) => name.Trim().Equals(Torch, StringComparison.OrdinalIgnoreCase);

    /// <summary>The GEMM of the forward passes outside the update, and of the update itself on our backend.</summary>
    public static GemmBackend Gemm(string name) => IsTorch(name) ? GemmBackend.Auto : GemmFactory.Parse(name);

    /// <summary>The torch plugin where <paramref name="name"/> is torch, else null (our gradients). Commands call it before
    /// any other work, so that a missing plugin is the one line the user sees.</summary>
    public static IUpdateGradientsFactory? Plugin(string name) => IsTorch(name) ? TorchPlugin.Load() : null;
}
