namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>One matrix product's shape as <see cref="IGemm.Multiply"/> receives it: op(A) m×k times op(B) k×n.</summary>
public readonly record struct GemmShape(bool TransposeA, bool TransposeB, int M, int N, int K)
{
    public long Flops => 2L * M * N * K;
}
