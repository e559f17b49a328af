using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>
/// A blocked GEMM in managed code (the BLIS scheme): op(B) is packed into contiguous panels and a transposed A into
/// MR-row panels (an untransposed A's rows are read in place), transposition handled while packing, and a
/// register-blocked SIMD micro-kernel (Vector512 where the CPU has AVX-512, Vector256 elsewhere) accumulates each
/// MR×NR tile of C, then an optional epilogue (bias and ReLU, or ReLU's backward) runs on the tile while it is in
/// cache. Shapes a tile fits badly (few rows, few columns, little depth) have paths of their own. Used when OpenBLAS
/// is absent or chosen.
/// </summary>
public sealed unsafe class ManagedGemm : IGemm
{
    private const int KC = 256;  // depth of a packed block: A and B panels stay in L1/L2
    private const int MC = 96;   // rows of A per block (a multiple of both kernels' MR)
    private const int NC = 1024; // columns of B packed at once
    private const int DotColumns = GemmKernels.DotColumns;
    private const int MaxFewDepth = 24;       // FewDepth: the deepest product it takes,
    private const int FewDepthFloats = 6144;  // and op(B) no larger than this (24 KB), so that it stays in L1

    private readonly int _mr, _nr;

    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packB;
    [ThreadStatic] private static float[]? t_column;
    [ThreadStatic] private static float[]? t_transposed;

    public ManagedGemm(int threads = 1)
    {
        Threads = Math.Max(1, threads);
        (_mr, _nr) = Vector512.IsHardwareAccelerated ? (GemmKernels.MR512, GemmKernels.NR512) : (GemmKernels.MR256, GemmKernels.NR256);
    }

    public string Name => "managed";

    public int Threads { get; }

    /// <summary>The SIMD width the micro-kernel uses.</summary>
    public string Kernel => Vector512.IsHardwareAccelerated ? $"Vector512 {_mr}x{_nr}" : $"Vector256 {_mr}x{_nr}";

    public void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc) =>
        Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, null);

    /// <summary>The packed path applies the epilogue to each tile of C as it finishes; the small-shape paths after them.</summary>
    public void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, GemmEpilogue epilogue) =>
        Multiply(transposeA, transposeB, m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc, epilogue);

    private void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc, GemmEpilogue? epilogue)
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0) ScaleC(m, n, beta, c, ldc);
        else if (m < _mr && !transposeA && !transposeB) FewRows(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else if (n == 1 && !transposeA) MatrixVector(m, k, alpha, a, lda, b, transposeB ? 1 : ldb, beta, c, ldc);
        else if (n <= 2 * DotColumns && !transposeA) FewColumns(m, n, k, alpha, a, lda, transposeB, b, ldb, beta, c, ldc);
        else if (transposeA && !transposeB && n <= _mr && m > n) TransposedProduct(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else
        {
            // These apply the epilogue themselves, per row or per tile, while C is in cache.
            if (k <= MaxFewDepth && k * n <= FewDepthFloats)
                FewDepth(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue);
            else if (Threads == 1 || (long)m * n * k < 1 << 21)
                MultiplyRows(0, m, transposeA, transposeB, n, k, alpha, a, lda, b, ldb, beta, c, ldc, m, epilogue);
            else
                MultiplyParallel(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue);
            return;
        }
        // The small-shape paths above leave it to one pass over C.
        epilogue?.Apply(c, ldc, 0, m, 0, n);
    }

    // Separate from Multiply so that the closure below is only allocated when threads are actually used.
    private void MultiplyParallel(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, GemmEpilogue? epilogue)
    {
        // Rows of C are split across threads; each packs its own B (cheap beside its share of the work).
        int chunk = (m + Threads - 1) / Threads;
        chunk = (chunk + _mr - 1) / _mr * _mr;
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        Parallel.For(0, (m + chunk - 1) / chunk, new ParallelOptions { MaxDegreeOfParallelism = Threads }, part =>
        {
            int row0 = part * chunk;
            MultiplyRows(row0, Math.Min(m, row0 + chunk), transposeA, transposeB, n, k, alpha,
                (float*)pa, lda, (float*)pb, ldb, beta, (float*)pc, ldc, m, epilogue);
        });
    }

    private void MultiplyRows(
        int rowStart, int rowEnd, bool transposeA, bool transposeB, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int m, GemmEpilogue? epilogue)
    {
        int kcMax = Math.Min(k, KC);
        // A untransposed is read in place, its rows already contiguous in k: only a last partial panel is packed.
        // The panel's vector copies may run up to one vector past its end (PackA), hence the slack.
        float[] packA = Buffer(ref t_packA, MC * kcMax + 16);
        float[] packB = Buffer(ref t_packB, RoundUp(Math.Min(n, NC), _nr) * kcMax);
        fixed (float* pa = packA)
        fixed (float* pb = packB)
        {
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    float betaBlock = pc == 0 ? beta : 1f;
                    // Full panels of an untransposed B are read in place (the kernel steps through B's rows) where
                    // too few rows would reuse a packed copy, and only a partial one packed (see ReadBInPlace).
                    int bInPlace = !transposeB && ReadBInPlace(rowEnd - rowStart, ldb) ? nc / _nr * _nr : 0;
                    if (bInPlace < nc) PackB(transposeB, b, ldb, pc, kc, jc + bInPlace, nc - bInPlace, pb);
                    for (int ic = rowStart; ic < rowEnd; ic += MC)
                    {
                        int mc = Math.Min(MC, rowEnd - ic);
                        int inPlace = transposeA ? 0 : mc / _mr * _mr; // rows of this block read straight from A
                        if (inPlace < mc) PackA(transposeA, a, lda, ic + inPlace, mc - inPlace, pc, kc, pa, m);
                        for (int jr = 0; jr < nc; jr += _nr)
                        {
                            int nr = Math.Min(_nr, nc - jr);
                            for (int ir = 0; ir < mc; ir += _mr)
                            {
                                int mr = Math.Min(_mr, mc - ir);
                                float* cTile = c + (long)(ic + ir) * ldc + jc + jr;
                                // C's rows (and the epilogue's) are rarely in cache; their loads overlap the kernel's FMAs.
                                if (pc + kc == k) Prefetch(cTile, ldc, mr, nr, epilogue, ic + ir, jc + jr);
                                float* bPanel = jr < bInPlace ? b + (long)pc * ldb + jc + jr : pb + (jr - bInPlace) * kc;
                                nint bStride = jr < bInPlace ? ldb : _nr;
                                if (ir < inPlace)
                                    GemmKernels.Tile(kc, a + (long)(ic + ir) * lda + pc, lda, 1, bPanel, bStride, cTile, ldc, mr, nr, alpha, betaBlock);
                                else
                                    GemmKernels.Tile(kc, pa + (ir - inPlace) * kc, 1, _mr, bPanel, bStride, cTile, ldc, mr, nr, alpha, betaBlock);
                                if (epilogue is { } e && pc + kc == k) e.Apply(cTile, ldc, ic + ir, mr, jc + jr, nr);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether a product of <paramref name="rows"/> rows reads an untransposed B in place instead of packing it. With
    /// one row panel each packed panel would be read once. Up to 256 rows (the update's particle blocks), a B at
    /// least 256 floats wide read in place was faster than packed (gemm m×256·256×256: m 128 +8%, 256 +2–4%, 512 even,
    /// 4096 −6%); at 128 wide it was 2% slower. A stride of a multiple of 4 KB puts every row of B in one L1 set.
    /// </summary>
    private bool ReadBInPlace(int rows, int ldb) =>
        rows <= _mr || (rows <= 256 && ldb >= 256 && ldb % 1024 != 0);

    private static void Prefetch(float* c, int ldc, int rows, int cols, GemmEpilogue? epilogue, int row0, int col0)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            Sse.Prefetch0(c);
            Sse.Prefetch0(c + cols - 1);
        }
        epilogue?.Prefetch(row0, rows, col0, cols);
    }

    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc] as MR-row panels, each stored k-major and zero-padded. <paramref name="m"/>
    /// is op(A)'s row count: a transposed A's stored rows hold m valid floats, which bounds its vector reads.
    /// </summary>
    private void PackA(bool transposed, float* a, int lda, int i0, int mc, int p0, int kc, float* dst, int m)
    {
        for (int ir = 0; ir < mc; ir += _mr)
        {
            int rows = Math.Min(_mr, mc - ir);
            float* panel = dst + ir * kc;
            if (transposed && rows == _mr && _mr <= 8 && i0 + ir + 8 <= m)
            {
                // op(A)(i, p) = a[p * lda + i]: each k step is a contiguous run of rows, copied as one vector of
                // eight whose surplus lanes the next k step (or the buffer's slack) overwrites.
                float* src = a + (long)p0 * lda + i0 + ir;
                for (int p = 0; p < kc; p++, src += lda) Vector256.Store(Vector256.Load(src), panel + p * _mr);
            }
            else if (transposed)
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(p0 + p) * lda + i0 + ir;
                    float* d = panel + p * _mr;
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[r];
                    for (; r < _mr; r++) d[r] = 0f;
                }
            }
            else
            {
                for (int r = 0; r < _mr; r++)
                {
                    if (r < rows)
                    {
                        float* src = a + (long)(i0 + ir + r) * lda + p0;
                        for (int p = 0; p < kc; p++) panel[p * _mr + r] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) panel[p * _mr + r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Packs op(B)[p0..p0+kc, j0..j0+nc] as NR-column panels, each stored k-major and zero-padded.</summary>
    private void PackB(bool transposed, float* b, int ldb, int p0, int kc, int j0, int nc, float* dst)
    {
        for (int jr = 0; jr < nc; jr += _nr)
        {
            int cols = Math.Min(_nr, nc - jr);
            float* panel = dst + jr * kc;
            if (transposed && cols == _nr && Avx.IsSupported)
            {
                // op(B)(p, j) = b[j * ldb + p]: each column is a contiguous run of B's stored row; 8×8 blocks are
                // transposed in registers instead of written one float at a time down the panel (a cache line apart).
                float* src = b + (long)(j0 + jr) * ldb + p0;
                int p = 0;
                for (; p + 8 <= kc; p += 8)
                    for (int col = 0; col < _nr; col += 8) Transpose8x8(src + (long)col * ldb + p, ldb, panel + p * _nr + col, _nr);
                for (; p < kc; p++)
                    for (int col = 0; col < _nr; col++) panel[p * _nr + col] = src[(long)col * ldb + p];
            }
            else if (transposed)
            {
                // op(B)(p, j) = b[j * ldb + p]
                for (int col = 0; col < _nr; col++)
                {
                    if (col < cols)
                    {
                        float* src = b + (long)(j0 + jr + col) * ldb + p0;
                        for (int p = 0; p < kc; p++) panel[p * _nr + col] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) panel[p * _nr + col] = 0f;
                    }
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (long)(p0 + p) * ldb + j0 + jr;
                    float* d = panel + p * _nr;
                    if (cols == _nr)
                    {
                        for (int q = 0; q < _nr; q += 8) Vector256.Store(Vector256.Load(src + q), d + q);
                        continue;
                    }
                    int col = 0;
                    for (; col < cols; col++) d[col] = src[col];
                    for (; col < _nr; col++) d[col] = 0f;
                }
            }
        }
    }

    /// <summary>Writes the transpose of the 8×8 block at <paramref name="src"/> (row stride <paramref name="lds"/>) to <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, int lds, float* dst, int ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * lds), r3 = Avx.LoadVector256(src + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * lds), r5 = Avx.LoadVector256(src + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * lds), r7 = Avx.LoadVector256(src + 7 * lds);
        // Pairs of rows interleaved (per 128-bit lane: r0[0] r1[0] r0[1] r1[1] and r0[2] r1[2] r0[3] r1[3]) ...
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // ... then quadruples (per lane: column j of rows 0-3) ...
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        // ... and the lanes of rows 0-3 and 4-7 joined: column j of all eight rows.
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>
    /// Fewer rows than a micro-tile (acting with a handful of environments): packing B would cost more than
    /// the product, so each row of C accumulates a_ip·B[p, :] straight from B, four rows of B per pass.
    /// </summary>
    private static void FewRows(int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            float* ci = c + (long)i * ldc;
            var row = new Span<float>(ci, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) TensorPrimitives.Multiply(row, beta, row);
            float* ai = a + (long)i * lda;
            int p = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                int j0 = 0;
                // 128 columns at a time in 8 registers across the whole depth (the same FMAs in the same order
                // as the pass below, without storing and reloading C between groups of four rows of B).
                for (; j0 + 128 <= n; j0 += 128) Columns128(ai, k, alpha, b + j0, ldb, ci + j0);
                int kFour = k & ~3;
                if (j0 < n)
                {
                    for (p = 0; p < kFour; p += 4)
                    {
                        float* b0 = b + (long)p * ldb;
                        var x0 = Vector512.Create(alpha * ai[p]);
                        var x1 = Vector512.Create(alpha * ai[p + 1]);
                        var x2 = Vector512.Create(alpha * ai[p + 2]);
                        var x3 = Vector512.Create(alpha * ai[p + 3]);
                        int j = j0;
                        for (; j + 16 <= n; j += 16)
                        {
                            Vector512<float> sum = Vector512.Load(ci + j);
                            sum = Vector512.FusedMultiplyAdd(x0, Vector512.Load(b0 + j), sum);
                            sum = Vector512.FusedMultiplyAdd(x1, Vector512.Load(b0 + ldb + j), sum);
                            sum = Vector512.FusedMultiplyAdd(x2, Vector512.Load(b0 + 2L * ldb + j), sum);
                            sum = Vector512.FusedMultiplyAdd(x3, Vector512.Load(b0 + 3L * ldb + j), sum);
                            sum.Store(ci + j);
                        }
                        float s0 = alpha * ai[p], s1 = alpha * ai[p + 1], s2 = alpha * ai[p + 2], s3 = alpha * ai[p + 3];
                        for (; j < n; j++)
                            ci[j] += s0 * b0[j] + s1 * b0[ldb + j] + s2 * b0[2L * ldb + j] + s3 * b0[3L * ldb + j];
                    }
                }
                p = kFour;
            }
            for (; p < k; p++)
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(b + (long)p * ldb, n), alpha * ai[p], row, row);
        }
    }

    /// <summary>One row of C, 128 columns: the four-rows-of-B passes of <see cref="FewRows"/>, with C held in registers.</summary>
    private static void Columns128(float* ai, int k, float alpha, float* b, int ldb, float* ci)
    {
        Vector512<float> c0 = Vector512.Load(ci), c1 = Vector512.Load(ci + 16), c2 = Vector512.Load(ci + 32), c3 = Vector512.Load(ci + 48);
        Vector512<float> c4 = Vector512.Load(ci + 64), c5 = Vector512.Load(ci + 80), c6 = Vector512.Load(ci + 96), c7 = Vector512.Load(ci + 112);
        for (int p = 0; p + 4 <= k; p += 4)
        {
            float* b0 = b + (long)p * ldb;
            for (int q = 0; q < 4; q++, b0 += ldb)
            {
                var x = Vector512.Create(alpha * ai[p + q]);
                c0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0), c0);
                c1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + 16), c1);
                c2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + 32), c2);
                c3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + 48), c3);
                c4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + 64), c4);
                c5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + 80), c5);
                c6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + 96), c6);
                c7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + 112), c7);
            }
        }
        c0.Store(ci); c1.Store(ci + 16); c2.Store(ci + 32); c3.Store(ci + 48);
        c4.Store(ci + 64); c5.Store(ci + 80); c6.Store(ci + 96); c7.Store(ci + 112);
    }

    /// <summary>
    /// Few columns (a network's 6-wide output layer, or its gradient, over thousands of rows): padding B to a full
    /// panel would multiply mostly zeros, so each C value is a dot product of a row of A with a column of op(B),
    /// vectorised along k, two rows against six columns at a time (twelve accumulators). op(B)'s columns are first
    /// copied contiguous, zero-padded to a multiple of six.
    /// </summary>
    [SkipLocalsInit]
    private static void FewColumns(int m, int n, int k, float alpha, float* a, int lda, bool transposeB, float* b, int ldb, float beta, float* c, int ldc)
    {
        // A 2-wide output (a policy layer over 2-D actions) gets its own kernel rather than four zero columns.
        int group = n <= 2 ? 2 : DotColumns;
        int width = RoundUp(n, group);
        float[] columns = Buffer(ref t_column, width * k);
        float* sums = stackalloc float[4 * DotColumns];
        fixed (float* bt = columns)
        {
            for (int j = 0; j < width; j++)
            {
                float* dst = bt + (long)j * k;
                if (j >= n) new Span<float>(dst, k).Clear();
                else if (transposeB) new ReadOnlySpan<float>(b + (long)j * ldb, k).CopyTo(new Span<float>(dst, k));
                else for (int p = 0; p < k; p++) dst[p] = b[(long)p * ldb + j];
            }
            if (group == 2)
            {
                for (int i = 0; i < m; i += 4)
                {
                    float* a0 = a + (long)i * lda;
                    int rows = Math.Min(4, m - i);
                    GemmKernels.Dot4x2(k, a0, rows > 1 ? a0 + lda : a0, rows > 2 ? a0 + 2L * lda : a0, rows > 3 ? a0 + 3L * lda : a0, bt, k, sums);
                    for (int r = 0; r < rows; r++)
                        for (int j = 0; j < n; j++)
                            Combine(c + (long)(i + r) * ldc + j, sums[r * 2 + j], alpha, beta);
                }
                return;
            }
            // Four rows at a time where 512-bit registers hold two rows' 8-lane sums each (the same bits as two).
            int step = Avx512F.IsSupported ? 4 : 2;
            for (int j0 = 0; j0 < n; j0 += DotColumns)
            {
                int cols = Math.Min(DotColumns, n - j0);
                for (int i = 0; i < m; i += step)
                {
                    float* a0 = a + (long)i * lda;
                    int rows = Math.Min(step, m - i);
                    if (step == 4)
                        GemmKernels.Dot4x6(k, a0, rows > 1 ? a0 + lda : a0, rows > 2 ? a0 + 2L * lda : a0, rows > 3 ? a0 + 3L * lda : a0, bt + (long)j0 * k, k, sums);
                    else
                        GemmKernels.Dot2x6(k, a0, rows == 2 ? a0 + lda : a0, bt + (long)j0 * k, k, sums);
                    for (int r = 0; r < rows; r++)
                        for (int j = 0; j < cols; j++)
                            Combine(c + (long)(i + r) * ldc + j0 + j, sums[r * DotColumns + j], alpha, beta);
                }
            }
        }
    }

    /// <summary>
    /// Aᵀ·B with at most MR columns (a 6-wide layer's weight gradient over thousands of rows): padding B's columns to a
    /// panel would multiply mostly zeros, so Cᵀ = Bᵀ·A is formed instead, one row panel whose B (here A) is read in
    /// place, and written back transposed.
    /// </summary>
    private void TransposedProduct(int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        fixed (float* t = Buffer(ref t_transposed, n * m))
        {
            MultiplyRows(0, n, true, false, m, k, alpha, b, ldb, a, lda, 0f, t, m, n, null);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float* cij = c + (long)i * ldc + j;
                    *cij = beta == 0 ? t[j * m + i] : t[j * m + i] + beta * *cij;
                }
        }
    }

    /// <summary>
    /// Shallow products (a first layer over actions or observations, an outer product): packing and micro-tiles would
    /// spend more on C's stores and reloads than on the few FMAs, so each row of C is built once as Σ_p a_ip·op(B)[p, :]
    /// from op(B)'s k rows (kept in L1), 32 or 64 columns at a time in registers, and the epilogue runs on each group of
    /// columns before it is stored. With AVX-512, four rows at a time share each load of B: one row's k-deep chains of
    /// FMAs alone left the FMA units waiting (m 256, n 256, k 6: 66 GFLOP/s a row at a time, 110 four at a time). Every
    /// element takes the same operations in the same order either way, so the bits do not depend on the grouping.
    /// </summary>
    [SkipLocalsInit]
    private static void FewDepth(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc, GemmEpilogue? epilogue)
    {
        float* x = stackalloc float[FewDepthRows * MaxFewDepth];
        GemmEpilogue pass = epilogue.GetValueOrDefault();
        bool isMask = pass.IsMask;
        fixed (float* packed = transposeB ? Buffer(ref t_packB, k * n) : null)
        {
            if (transposeB)
            {
                // op(B)(p, j) = b[j * ldb + p], gathered into k contiguous rows.
                for (int j = 0; j < n; j++)
                    for (int p = 0; p < k; p++) packed[p * n + j] = b[(long)j * ldb + p];
                b = packed;
                ldb = n;
            }
            // Row i's alpha·op(A)[i, :] in x[r * MaxFewDepth ..], r its place in the group.
            void LoadRow(int i, float* xr)
            {
                for (int p = 0; p < k; p++) xr[p] = alpha * (transposeA ? a[(long)p * lda + i] : a[(long)i * lda + p]);
            }
            float* OperandRow(int i) => epilogue.HasValue ? pass.OperandRow(i) : null; // the epilogue's row, applied before each store
            int i = 0;
            int wide = Vector512.IsHardwareAccelerated ? n / 64 * 64 : 0; // the columns the four-row groups take
            if (wide > 0)
            {
                for (; i + FewDepthRows <= m; i += FewDepthRows)
                {
                    for (int r = 0; r < FewDepthRows; r++) LoadRow(i + r, x + r * MaxFewDepth);
                    ShallowRows512(x, k, b, ldb, c + (long)i * ldc, ldc, wide, beta, OperandRow(i), OperandRow(i + 1), OperandRow(i + 2), OperandRow(i + 3), isMask);
                    if (wide == n) continue;
                    for (int r = 0; r < FewDepthRows; r++) // the columns past the last 64 one row at a time
                        ShallowRow(x + r * MaxFewDepth, k, b, ldb, c + (long)(i + r) * ldc, wide, n, beta, OperandRow(i + r), isMask);
                }
            }
            for (; i < m; i++)
            {
                LoadRow(i, x);
                ShallowRow(x, k, b, ldb, c + (long)i * ldc, 0, n, beta, OperandRow(i), isMask);
            }
        }
    }

    private const int FewDepthRows = 4; // 16 zmm sums + 4 of B + 1 broadcast of 32 registers

    /// <summary>Columns [0, <paramref name="n"/>) (a multiple of 64) of four consecutive rows of a shallow product; x holds each row's k values, MaxFewDepth apart.</summary>
    private static void ShallowRows512(float* x, int k, float* b, int ldb, float* c, int ldc, int n, float beta,
        float* op0, float* op1, float* op2, float* op3, bool isMask)
    {
        float* x1 = x + MaxFewDepth, x2 = x + 2 * MaxFewDepth, x3 = x + 3 * MaxFewDepth;
        for (int j = 0; j < n; j += 64)
        {
            float* bp = b + j;
            Vector512<float> b0 = Vector512.Load(bp), b1 = Vector512.Load(bp + 16), b2 = Vector512.Load(bp + 32), b3 = Vector512.Load(bp + 48);
            var xp = Vector512.Create(x[0]);
            Vector512<float> s00 = xp * b0, s01 = xp * b1, s02 = xp * b2, s03 = xp * b3;
            xp = Vector512.Create(x1[0]);
            Vector512<float> s10 = xp * b0, s11 = xp * b1, s12 = xp * b2, s13 = xp * b3;
            xp = Vector512.Create(x2[0]);
            Vector512<float> s20 = xp * b0, s21 = xp * b1, s22 = xp * b2, s23 = xp * b3;
            xp = Vector512.Create(x3[0]);
            Vector512<float> s30 = xp * b0, s31 = xp * b1, s32 = xp * b2, s33 = xp * b3;
            for (int p = 1; p < k; p++)
            {
                bp += ldb;
                b0 = Vector512.Load(bp); b1 = Vector512.Load(bp + 16); b2 = Vector512.Load(bp + 32); b3 = Vector512.Load(bp + 48);
                xp = Vector512.Create(x[p]);
                s00 = Vector512.FusedMultiplyAdd(xp, b0, s00); s01 = Vector512.FusedMultiplyAdd(xp, b1, s01);
                s02 = Vector512.FusedMultiplyAdd(xp, b2, s02); s03 = Vector512.FusedMultiplyAdd(xp, b3, s03);
                xp = Vector512.Create(x1[p]);
                s10 = Vector512.FusedMultiplyAdd(xp, b0, s10); s11 = Vector512.FusedMultiplyAdd(xp, b1, s11);
                s12 = Vector512.FusedMultiplyAdd(xp, b2, s12); s13 = Vector512.FusedMultiplyAdd(xp, b3, s13);
                xp = Vector512.Create(x2[p]);
                s20 = Vector512.FusedMultiplyAdd(xp, b0, s20); s21 = Vector512.FusedMultiplyAdd(xp, b1, s21);
                s22 = Vector512.FusedMultiplyAdd(xp, b2, s22); s23 = Vector512.FusedMultiplyAdd(xp, b3, s23);
                xp = Vector512.Create(x3[p]);
                s30 = Vector512.FusedMultiplyAdd(xp, b0, s30); s31 = Vector512.FusedMultiplyAdd(xp, b1, s31);
                s32 = Vector512.FusedMultiplyAdd(xp, b2, s32); s33 = Vector512.FusedMultiplyAdd(xp, b3, s33);
            }
            Store64(c + j, s00, s01, s02, s03, beta, op0, j, isMask);
            Store64(c + ldc + j, s10, s11, s12, s13, beta, op1, j, isMask);
            Store64(c + 2 * ldc + j, s20, s21, s22, s23, beta, op2, j, isMask);
            Store64(c + 3 * ldc + j, s30, s31, s32, s33, beta, op3, j, isMask);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store64(float* c, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, float beta, float* op, int j, bool isMask)
    {
        StoreRow(c, s0, beta, op, j, isMask); StoreRow(c + 16, s1, beta, op, j + 16, isMask);
        StoreRow(c + 32, s2, beta, op, j + 32, isMask); StoreRow(c + 48, s3, beta, op, j + 48, isMask);
    }

    /// <summary>Columns [<paramref name="j0"/>, <paramref name="n"/>) of one row of a shallow product; x holds the row's k values.</summary>
    private static void ShallowRow(float* x, int k, float* b, int ldb, float* ci, int j0, int n, float beta, float* op, bool isMask)
    {
        int j = j0;
        if (Vector512.IsHardwareAccelerated)
        {
            // The same FMAs per element as the 256-bit loops below, twice as many per instruction.
            for (; j + 64 <= n; j += 64)
            {
                float* bp = b + j;
                var xp = Vector512.Create(x[0]);
                Vector512<float> s0 = xp * Vector512.Load(bp), s1 = xp * Vector512.Load(bp + 16);
                Vector512<float> s2 = xp * Vector512.Load(bp + 32), s3 = xp * Vector512.Load(bp + 48);
                for (int p = 1; p < k; p++)
                {
                    bp += ldb;
                    xp = Vector512.Create(x[p]);
                    s0 = Vector512.FusedMultiplyAdd(xp, Vector512.Load(bp), s0);
                    s1 = Vector512.FusedMultiplyAdd(xp, Vector512.Load(bp + 16), s1);
                    s2 = Vector512.FusedMultiplyAdd(xp, Vector512.Load(bp + 32), s2);
                    s3 = Vector512.FusedMultiplyAdd(xp, Vector512.Load(bp + 48), s3);
                }
                Store64(ci + j, s0, s1, s2, s3, beta, op, j, isMask);
            }
        }
        for (; j + 32 <= n; j += 32)
        {
            float* bp = b + j;
            var xp = Vector256.Create(x[0]);
            Vector256<float> s0 = xp * Vector256.Load(bp), s1 = xp * Vector256.Load(bp + 8);
            Vector256<float> s2 = xp * Vector256.Load(bp + 16), s3 = xp * Vector256.Load(bp + 24);
            for (int p = 1; p < k; p++)
            {
                bp += ldb;
                xp = Vector256.Create(x[p]);
                s0 = Vector256.FusedMultiplyAdd(xp, Vector256.Load(bp), s0);
                s1 = Vector256.FusedMultiplyAdd(xp, Vector256.Load(bp + 8), s1);
                s2 = Vector256.FusedMultiplyAdd(xp, Vector256.Load(bp + 16), s2);
                s3 = Vector256.FusedMultiplyAdd(xp, Vector256.Load(bp + 24), s3);
            }
            StoreRow(ci + j, s0, beta, op, j, isMask); StoreRow(ci + j + 8, s1, beta, op, j + 8, isMask);
            StoreRow(ci + j + 16, s2, beta, op, j + 16, isMask); StoreRow(ci + j + 24, s3, beta, op, j + 24, isMask);
        }
        for (; j + 8 <= n; j += 8)
        {
            float* bp = b + j;
            Vector256<float> sum = Vector256.Create(x[0]) * Vector256.Load(bp);
            for (int p = 1; p < k; p++) sum = Vector256.FusedMultiplyAdd(Vector256.Create(x[p]), Vector256.Load(bp += ldb), sum);
            StoreRow(ci + j, sum, beta, op, j, isMask);
        }
        for (; j < n; j++)
        {
            float sum = x[0] * b[j];
            for (int p = 1; p < k; p++) sum = MathF.FusedMultiplyAdd(x[p], b[(long)p * ldb + j], sum);
            float value = beta == 0 ? sum : sum + beta * ci[j];
            ci[j] = op == null ? value : GemmEpilogue.OnRegisters(value, op[j], isMask);
        }
    }

    /// <summary>C = sum + beta·C, then the epilogue (when <paramref name="op"/>, its row, is given) at column <paramref name="j"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> sum, float beta, float* op, int j, bool isMask)
    {
        Vector256<float> value = beta == 0 ? sum : Vector256.FusedMultiplyAdd(Vector256.Create(beta), Vector256.Load(c), sum);
        (op == null ? value : GemmEpilogue.OnRegisters(value, op + j, isMask)).Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector512<float> sum, float beta, float* op, int j, bool isMask)
    {
        Vector512<float> value = beta == 0 ? sum : Vector512.FusedMultiplyAdd(Vector512.Create(beta), Vector512.Load(c), sum);
        (op == null ? value : GemmEpilogue.OnRegisters(value, op + j, isMask)).Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Combine(float* c, float sum, float alpha, float beta) => *c = beta == 0 ? alpha * sum : alpha * sum + beta * *c;

    /// <summary>n = 1: one dot product per row of A against the (gathered) column of B.</summary>
    private static void MatrixVector(int m, int k, float alpha, float* a, int lda, float* b, int bStride, float beta, float* c, int ldc)
    {
        float[] column = Buffer(ref t_column, k);
        for (int p = 0; p < k; p++) column[p] = b[(long)p * bStride];
        for (int i = 0; i < m; i++)
        {
            float dot = TensorPrimitives.Dot(new ReadOnlySpan<float>(a + (long)i * lda, k), column.AsSpan(0, k));
            float* ci = c + (long)i * ldc;
            *ci = beta == 0 ? alpha * dot : alpha * dot + beta * *ci;
        }
    }

    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0) row.Clear();
            else TensorPrimitives.Multiply(row, beta, row);
        }
    }

    private static float[] Buffer(ref float[]? slot, int length)
    {
        if (slot is null || slot.Length < length) slot = new float[Math.Max(length, 4096)];
        return slot;
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
