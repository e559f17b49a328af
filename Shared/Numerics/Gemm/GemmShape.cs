namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>One matrix product's shape as <see cref="IGemm.Multiply"/> receives it: op(A) m×k times op(B) k×n.</summary>
public readonly record struct GemmShape(bool TransposeA, bool TransposeB, int M, int N, int K)
{
    public long Flops => 2L * M * N * K;

    /// <summary>
    /// Used when the caller does not say what it will run: a 256-wide hidden layer over 2048 rows (the update at
    /// batch 128, K 16), forward, weight gradient and input gradient.
    /// </summary>
    public static readonly GemmShape[] Generic =
    [
        new(false, false, 2048, 256, 256),
        new(true, false, 256, 256, 2048),
        new(false, true, 2048, 256, 256),
    ];
}
