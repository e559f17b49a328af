using System.Runtime.Intrinsics;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Tests.Numerics;

public sealed class GemmTests
{
    public static TheoryData<int, int, int, bool, bool> Shapes()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach ((int m, int n, int k) in new[] { (1, 1, 1), (7, 5, 3), (33, 65, 17), (128, 128, 128), (100, 1, 37), (9, 300, 260), (200, 6, 256), (3, 2, 1), (5, 40, 9), (1, 128, 130),
            // the few-columns dot kernel with two column groups and a k tail; panels read in place beside a packed
            // partial one over several row and depth blocks
            (13, 11, 21), (201, 12, 300), (250, 40, 270),
            // shallow products built row by row: k = 1, a depth with a vector tail, 32-column blocks with a tail
            (50, 300, 1), (19, 77, 24), (64, 256, 17),
            // one row panel over two depth blocks, B read in place beside a packed partial panel; Aᵀ·B with 5 columns
            (6, 40, 300), (300, 5, 270) })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    data.Add(m, n, k, ta, tb);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Managed_gemm_matches_naive_product_for_every_transpose(int m, int n, int k, bool ta, bool tb)
    {
        CheckAgainstNaive(new ManagedGemm(1), m, n, k, ta, tb);
    }

    [Theory]
    [InlineData(256, 128, 128)]
    [InlineData(97, 33, 300)]
    public void Managed_gemm_with_threads_matches_single_thread(int m, int n, int k)
    {
        CheckAgainstNaive(new ManagedGemm(2), m, n, k, false, false);
        CheckAgainstNaive(new ManagedGemm(2), m, n, k, true, true);
    }

    [OpenBlasTheory]
    [MemberData(nameof(Shapes))]
    public void OpenBlas_and_managed_backends_agree(int m, int n, int k, bool ta, bool tb)
    {
        IGemm blas = GemmFactory.Create(GemmBackend.OpenBlas, 1);
        CheckAgainstNaive(blas, m, n, k, ta, tb);
    }

    [Theory]
    [InlineData(1, 3, 200, 6, 1)] // few rows
    [InlineData(1, 200, 1, 256, 1)] // one column
    [InlineData(1, 201, 12, 37, 4)] // few columns
    [InlineData(1, 97, 33, 6, 16)] // shallow: row by row
    [InlineData(1, 50, 75, 6, 4)] // shallow and wide: 64, 8 and single columns, the pass applied before each store
    [InlineData(1, 97, 33, 30, 16)] // packed tiles, partial ones at both edges
    [InlineData(1, 250, 40, 300, 3)] // two depth blocks: the pass waits for the last
    [InlineData(2, 3000, 40, 30, 16)] // row blocks on two threads
    public unsafe void Fused_epilogues_match_the_product_then_the_pass(int threads, int m, int n, int k, int rowsPerAddRow)
    {
        var rng = new Rng((ulong)(m * 31 + n * 7 + k));
        float[] a = Random(rng, m * k), b = Random(rng, k * n), bt = Random(rng, n * k);
        float[] add = Random(rng, ((m - 1) / rowsPerAddRow + 1) * n), activation = Random(rng, m * n);
        float[] fusedAdd = new float[m * n], fusedMask = new float[m * n];
        var gemm = new ManagedGemm(threads);
        gemm.MultiplyAddRelu(m, n, k, a, k, b, n, fusedAdd, n, add, n, rowsPerAddRow);
        gemm.MultiplyReluMask(true, m, n, k, a, k, bt, k, fusedMask, n, activation, n);

        // The same GEMM without the fused overload: IGemm's default, the product then a pass over all of C.
        IGemm separate = new ProductOnly(gemm);
        float[] expectedAdd = new float[m * n], expectedMask = new float[m * n];
        separate.MultiplyAddRelu(m, n, k, a, k, b, n, expectedAdd, n, add, n, rowsPerAddRow);
        separate.MultiplyReluMask(true, m, n, k, a, k, bt, k, expectedMask, n, activation, n);
        Assert.Equal(expectedAdd, fusedAdd);
        Assert.Equal(expectedMask, fusedMask);

        // And against the definition.
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double ab = 0, abt = 0;
                for (int p = 0; p < k; p++)
                {
                    ab += (double)a[i * k + p] * b[p * n + j];
                    abt += (double)a[i * k + p] * bt[j * k + p];
                }
                double tolerance = 1e-4 * (1 + Math.Sqrt(k));
                Assert.Equal(Math.Max(ab + add[i / rowsPerAddRow * n + j], 0), fusedAdd[i * n + j], tolerance);
                Assert.Equal(activation[i * n + j] > 0 ? abt : 0, fusedMask[i * n + j], tolerance);
            }
    }

    [Theory]
    [InlineData(11, 37, false)]
    [InlineData(13, 128, true)]
    public void A_two_column_product_has_the_bits_of_those_columns_in_a_six_column_one(int m, int k, bool transposeB)
    {
        var rng = new Rng(21);
        float[] a = Random(rng, m * k), b6 = Random(rng, k * 6);
        // B's two columns on their own, stored as the product reads them (rows of B, or rows of Bᵀ).
        float[] b2 = new float[k * 2];
        for (int p = 0; p < k; p++)
            for (int j = 0; j < 2; j++)
                b2[transposeB ? j * k + p : p * 2 + j] = transposeB ? b6[j * k + p] : b6[p * 6 + j];
        float[] c6 = new float[m * 6], c2 = new float[m * 2];
        var gemm = new ManagedGemm();
        gemm.Multiply(false, transposeB, m, 6, k, 1f, a, k, b6, transposeB ? k : 6, 0f, c6, 6);
        gemm.Multiply(false, transposeB, m, 2, k, 1f, a, k, b2, transposeB ? k : 2, 0f, c2, 2);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(c6[i * 6 + j], c2[i * 2 + j]);
    }

    [Theory]
    [InlineData(8, 64, 6, false, false)] // two groups of four rows
    [InlineData(13, 256, 17, true, false)] // three groups and a row, Aᵀ
    [InlineData(37, 75, 6, false, true)] // 64 columns in groups, 11 row by row; Bᵀ
    [InlineData(9, 300, 1, true, true)] // an outer product, 256 columns in groups and a 44-column tail
    [InlineData(11, 40, 24, false, false)] // too narrow for groups: every row alone
    public void A_shallow_product_takes_each_elements_terms_in_order_in_groups_of_rows_or_alone(int m, int n, int k, bool ta, bool tb)
    {
        // Each element must be x₀·b₀ then an FMA per term in p's order, whether its row went in a group of four (with
        // AVX-512) or alone: the results of a run must not depend on which rows were grouped. The plain product, then
        // one with the bias-and-ReLU pass fused into its stores.
        var rng = new Rng((ulong)(m * 7919 + n * 31 + k));
        int lda = ta ? m : k, ldb = tb ? k : n;
        float[] a = Random(rng, m * k), b = Random(rng, k * n), add = Random(rng, m * n);
        float At(int i, int p) => ta ? a[p * lda + i] : a[i * lda + p];
        float Bt(int p, int j) => tb ? b[j * ldb + p] : b[p * ldb + j];
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0.5f * At(i, 0) * Bt(0, j);
                for (int p = 1; p < k; p++) sum = MathF.FusedMultiplyAdd(0.5f * At(i, p), Bt(p, j), sum);
                expected[i * n + j] = sum;
            }
        var gemm = new ManagedGemm();
        float[] c = new float[m * n];
        gemm.Multiply(ta, tb, m, n, k, 0.5f, a, lda, b, ldb, 0f, c, n);
        Assert.Equal(expected, c);

        if (ta || tb) return; // the fused pass takes untransposed operands
        for (int i = 0; i < m * n; i++) expected[i] = MathF.Max(c[i] * 2f + add[i], 0f); // alpha 1: twice the sums above, exactly
        gemm.MultiplyAddRelu(m, n, k, a, k, b, n, c, n, add, n, 1);
        Assert.Equal(expected, c);
    }

    [Theory]
    [InlineData(9, 6, 256, false)] // four-row groups and a row alone
    [InlineData(13, 3, 37, true)] // three columns padded to six; a depth tail; Bᵀ
    [InlineData(37, 11, 300, false)] // two column groups
    public void A_few_column_product_sums_each_element_as_eight_lanes_then_its_tail_whatever_the_row_grouping(int m, int n, int k, bool tb)
    {
        // Each element is eight running sums of FMAs over p ≡ lane (mod 8), eight terms at a time in p's order, summed
        // across by Vector256.Sum, then one FMA per term of the depth's tail: the 256-bit kernel's order, which the
        // 512-bit one (two rows' lanes in one register, four rows at a time) must keep.
        var rng = new Rng((ulong)(m * 131 + n * 17 + k));
        int ldb = tb ? k : n;
        float[] a = Random(rng, m * k), b = Random(rng, k * n);
        float Bt(int p, int j) => tb ? b[j * ldb + p] : b[p * ldb + j];
        float[] expected = new float[m * n];
        Span<float> lanes = stackalloc float[8];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                lanes.Clear();
                int p = 0;
                for (; p + 8 <= k; p += 8)
                    for (int l = 0; l < 8; l++) lanes[l] = MathF.FusedMultiplyAdd(a[i * k + p + l], Bt(p + l, j), lanes[l]);
                float sum = Vector256.Sum(Vector256.Create<float>(lanes));
                for (; p < k; p++) sum = MathF.FusedMultiplyAdd(a[i * k + p], Bt(p, j), sum);
                expected[i * n + j] = sum;
            }
        float[] c = new float[m * n];
        new ManagedGemm().Multiply(false, tb, m, n, k, 1f, a, k, b, ldb, 0f, c, n);
        Assert.Equal(expected, c);
    }

    [Theory]
    [InlineData(256, 256, 256, false)]
    [InlineData(200, 300, 270, true)] // a partial panel packed beside full ones read in place, two depth blocks, Aᵀ
    public void B_read_in_place_gives_the_bits_of_B_packed(int m, int n, int k, bool transposeA)
    {
        // The same rows of C from a product short enough to read B in place and from one twice as tall, which packs it.
        var rng = new Rng(22);
        float[] a = Random(rng, 2 * m * k), b = Random(rng, k * n);
        int lda = transposeA ? 2 * m : k;
        float[] shortC = new float[m * n], tallC = new float[2 * m * n];
        var gemm = new ManagedGemm();
        gemm.Multiply(transposeA, false, m, n, k, 1f, a, lda, b, n, 0f, shortC, n);
        gemm.Multiply(transposeA, false, 2 * m, n, k, 1f, a, lda, b, n, 0f, tallC, n);
        Assert.Equal(shortC, tallC.AsSpan(0, m * n).ToArray());
    }

    [Fact]
    public void A_bias_row_too_short_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ManagedGemm().MultiplyAddRelu(4, 4, 4, new float[16], 4, new float[16], 4, new float[16], 4, new float[3], 0, 1));
        Assert.Contains("add", error.Message);
    }

    private sealed unsafe class ProductOnly(IGemm inner) : IGemm
    {
        public string Name => inner.Name;

        public int Threads => inner.Threads;

        public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc) =>
            inner.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    [Fact]
    public void Beta_zero_ignores_garbage_in_C()
    {
        var rng = new Rng(3);
        float[] a = Random(rng, 40 * 20), b = Random(rng, 20 * 50);
        float[] c = new float[40 * 50];
        Array.Fill(c, float.NaN);
        new ManagedGemm().Multiply(false, false, 40, 50, 20, 1f, a, 20, b, 50, 0f, c, 50);
        Assert.True(VectorOps.AllFinite(c));
    }

    [Fact]
    public void Operands_too_small_for_their_shape_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ManagedGemm().Multiply(false, false, 4, 4, 4, 1f, new float[15], 4, new float[16], 4, 0f, new float[16], 4));
        Assert.Contains("too few", error.Message);
    }

    [ReferenceBlasFact]
    public void Auto_does_not_keep_a_BLAS_that_is_not_OpenBLAS_without_measuring_it()
    {
        string[] reference = [ReferenceBlasFactAttribute.Path];
        var lines = new List<string>();
        IGemm chosen = GemmFactory.Create(GemmBackend.Auto, 1, lines.Add, blasLibraries: reference);
        Assert.IsType<ManagedGemm>(chosen);
        Assert.Contains("is not OpenBLAS", Assert.Single(lines));

        // Asked for by name it is still used, and it computes the same products.
        var named = Assert.IsType<OpenBlasGemm>(GemmFactory.Create(GemmBackend.OpenBlas, 1, blasLibraries: reference));
        Assert.False(named.IsOpenBlas);
        CheckAgainstNaive(named, 33, 65, 17, false, true);
    }

    [Fact]
    public void Unknown_backend_name_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => GemmFactory.Parse("cuda"));
        Assert.Contains("auto, openblas or managed", error.Message);
        Assert.Equal(GemmBackend.OpenBlas, GemmFactory.Parse("OpenBLAS"));
    }

    private static void CheckAgainstNaive(IGemm gemm, int m, int n, int k, bool ta, bool tb)
    {
        var rng = new Rng((ulong)(m * 1000003 + n * 1009 + k));
        // Leading dimensions larger than the logical width exercise strided access.
        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
        float[] a = Random(rng, (ta ? k : m) * lda), b = Random(rng, (tb ? n : k) * ldb), c = Random(rng, m * ldc);
        float alpha = 0.75f, beta = -0.5f;
        double[] expected = new double[m * ldc];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (double)(ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
                expected[i * ldc + j] = alpha * sum + beta * c[i * ldc + j];
            }
        }
        gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                Assert.True(Math.Abs(expected[i * ldc + j] - c[i * ldc + j]) <= 1e-4 * (1 + Math.Sqrt(k)),
                    $"{gemm.Name} C[{i},{j}] = {c[i * ldc + j]}, expected {expected[i * ldc + j]} (m={m} n={n} k={k} ta={ta} tb={tb})");
    }

    private static float[] Random(Rng rng, int length)
    {
        var values = new float[length];
        rng.FillUniform(values, -1f, 1f);
        return values;
    }
}
