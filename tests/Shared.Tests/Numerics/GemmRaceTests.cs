using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Tests.Numerics;

public sealed class GemmRaceTests
{
    [Fact]
    public void The_race_ranks_a_GEMM_that_does_the_work_four_times_last()
    {
        var fast = new ManagedGemm(1);
        var slow = new Repeating(new ManagedGemm(1), 4);
        IReadOnlyList<GemmRace.Entry> ranked = GemmRace.Run([slow, fast], [new GemmShape(false, false, 128, 64, 64), new GemmShape(true, false, 64, 64, 128)], 0.2);

        Assert.Same(fast, ranked[0].Gemm);
        Assert.True(ranked[0].Gflops > 2 * ranked[1].Gflops, $"fast {ranked[0].Gflops:F2} vs slow {ranked[1].Gflops:F2} GFLOP/s");
    }

    private sealed unsafe class Repeating(IGemm inner, int times) : IGemm
    {
        public string Name => "repeating";

        public int Threads => 1;

        public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
        {
            for (int i = 0; i < times; i++) inner.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }
}
