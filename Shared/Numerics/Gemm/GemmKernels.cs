using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>
/// Register-blocked micro-kernels for <see cref="ManagedGemm"/>: C[mr×nr] = alpha * Apanel · Bpanel + beta * C
/// over panels packed and zero-padded or read in place (strides say which). Full tiles write straight to C; edge
/// tiles go through a scratch tile. And the dot-product kernel of the few-columns path.
/// </summary>
internal static unsafe class GemmKernels
{
    public const int MR512 = 8, NR512 = 32;  // 16 zmm accumulators + 2 B vectors + 1 broadcast of 32 registers
    public const int MR256 = 6, NR256 = 16;  // 12 ymm accumulators + 2 B vectors + 1 broadcast of 16 registers
    public const int DotColumns = 6;          // Dot2x6: 12 ymm accumulators + 2 A vectors + 1 B vector (Dot4x2 for 2 columns)

    /// <summary>
    /// One tile. Element (r, p) of the A panel is <c>a[r * rowStride + p * kStride]</c>: a packed panel (1, MR), rows of
    /// A read in place (lda, 1) or columns of a transposed A read in place (1, lda); a partial tile (mr &lt; MR) must
    /// come packed, since its missing rows are read too. Row p of the B panel starts at <c>b + p * bStride</c>: NR when
    /// packed, ldb for a full panel read in place.
    /// </summary>
    [SkipLocalsInit]
    public static void Tile(int kc, float* a, nint rowStride, nint kStride, float* b, nint bStride, float* c, int ldc, int mr, int nr, float alpha, float beta)
    {
        bool wide = Vector512.IsHardwareAccelerated;
        int fullMr = wide ? MR512 : MR256, fullNr = wide ? NR512 : NR256;
        if (mr == fullMr && nr == fullNr)
        {
            if (wide) Kernel8x32(kc, a, rowStride, kStride, b, bStride, c, ldc, alpha, beta);
            else Kernel6x16(kc, a, rowStride, kStride, b, bStride, c, ldc, alpha, beta);
            return;
        }
        float* scratch = stackalloc float[MR512 * NR512];
        if (wide) Kernel8x32(kc, a, rowStride, kStride, b, bStride, scratch, fullNr, 1f, 0f);
        else Kernel6x16(kc, a, rowStride, kStride, b, bStride, scratch, fullNr, 1f, 0f);
        for (int r = 0; r < mr; r++)
        {
            float* src = scratch + r * fullNr;
            float* dst = c + (long)r * ldc;
            for (int j = 0; j < nr; j++)
                dst[j] = beta == 0 ? alpha * src[j] : alpha * src[j] + beta * dst[j];
        }
    }

    private static void Kernel8x32(int kc, float* a, nint rowStride, nint kStride, float* b, nint bStride, float* c, int ldc, float alpha, float beta)
    {
        float* a0 = a, a1 = a + rowStride, a2 = a + 2 * rowStride, a3 = a + 3 * rowStride;
        float* a4 = a + 4 * rowStride, a5 = a + 5 * rowStride, a6 = a + 6 * rowStride, a7 = a + 7 * rowStride;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        nint offset = 0;
        for (int p = 0; p < kc; p++, offset += kStride)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a0[offset]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[offset]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[offset]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[offset]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[offset]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[offset]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[offset]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[offset]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            b += bStride;
        }
        Store512(c, alpha, beta, c00, c01);
        Store512(c + ldc, alpha, beta, c10, c11);
        Store512(c + 2 * ldc, alpha, beta, c20, c21);
        Store512(c + 3 * ldc, alpha, beta, c30, c31);
        Store512(c + 4 * ldc, alpha, beta, c40, c41);
        Store512(c + 5 * ldc, alpha, beta, c50, c51);
        Store512(c + 6 * ldc, alpha, beta, c60, c61);
        Store512(c + 7 * ldc, alpha, beta, c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* row, float alpha, float beta, Vector512<float> lo, Vector512<float> hi)
    {
        if (alpha != 1f)
        {
            lo *= alpha;
            hi *= alpha;
        }
        if (beta != 0f)
        {
            lo = Vector512.FusedMultiplyAdd(Vector512.Load(row), Vector512.Create(beta), lo);
            hi = Vector512.FusedMultiplyAdd(Vector512.Load(row + 16), Vector512.Create(beta), hi);
        }
        lo.Store(row);
        hi.Store(row + 16);
    }

    private static void Kernel6x16(int kc, float* a, nint rowStride, nint kStride, float* b, nint bStride, float* c, int ldc, float alpha, float beta)
    {
        float* a0 = a, a1 = a + rowStride, a2 = a + 2 * rowStride, a3 = a + 3 * rowStride, a4 = a + 4 * rowStride, a5 = a + 5 * rowStride;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint offset = 0;
        for (int p = 0; p < kc; p++, offset += kStride)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(a0[offset]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[offset]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[offset]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[offset]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[offset]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[offset]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            b += bStride;
        }
        Store256(c, alpha, beta, c00, c01);
        Store256(c + ldc, alpha, beta, c10, c11);
        Store256(c + 2 * ldc, alpha, beta, c20, c21);
        Store256(c + 3 * ldc, alpha, beta, c30, c31);
        Store256(c + 4 * ldc, alpha, beta, c40, c41);
        Store256(c + 5 * ldc, alpha, beta, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* row, float alpha, float beta, Vector256<float> lo, Vector256<float> hi)
    {
        if (alpha != 1f)
        {
            lo *= alpha;
            hi *= alpha;
        }
        if (beta != 0f)
        {
            lo = Vector256.FusedMultiplyAdd(Vector256.Load(row), Vector256.Create(beta), lo);
            hi = Vector256.FusedMultiplyAdd(Vector256.Load(row + 8), Vector256.Create(beta), hi);
        }
        lo.Store(row);
        hi.Store(row + 8);
    }

    /// <summary>
    /// Eight dot products of length k: rows a0..a3 against the two contiguous columns at b (column j at
    /// <c>b + j * ldb</c>); sums[r * 2 + j] receives row r against column j. Each sum is accumulated exactly as
    /// <see cref="Dot2x6"/> accumulates it, so a 2-wide output (not padded to six columns) has the same bits.
    /// </summary>
    public static void Dot4x2(int k, float* a0, float* a1, float* a2, float* a3, float* b, int ldb, float* sums)
    {
        float* b0 = b, b1 = b + ldb;
        Vector256<float> s00 = default, s01 = default, s10 = default, s11 = default;
        Vector256<float> s20 = default, s21 = default, s30 = default, s31 = default;
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            Vector256<float> y0 = Vector256.Load(b0 + p), y1 = Vector256.Load(b1 + p);
            Vector256<float> x = Vector256.Load(a0 + p);
            s00 = Vector256.FusedMultiplyAdd(x, y0, s00); s01 = Vector256.FusedMultiplyAdd(x, y1, s01);
            x = Vector256.Load(a1 + p);
            s10 = Vector256.FusedMultiplyAdd(x, y0, s10); s11 = Vector256.FusedMultiplyAdd(x, y1, s11);
            x = Vector256.Load(a2 + p);
            s20 = Vector256.FusedMultiplyAdd(x, y0, s20); s21 = Vector256.FusedMultiplyAdd(x, y1, s21);
            x = Vector256.Load(a3 + p);
            s30 = Vector256.FusedMultiplyAdd(x, y0, s30); s31 = Vector256.FusedMultiplyAdd(x, y1, s31);
        }
        sums[0] = Vector256.Sum(s00); sums[1] = Vector256.Sum(s01); sums[2] = Vector256.Sum(s10); sums[3] = Vector256.Sum(s11);
        sums[4] = Vector256.Sum(s20); sums[5] = Vector256.Sum(s21); sums[6] = Vector256.Sum(s30); sums[7] = Vector256.Sum(s31);
        DotTail(p, k, a0, b, ldb, sums, 2); DotTail(p, k, a1, b, ldb, sums + 2, 2);
        DotTail(p, k, a2, b, ldb, sums + 4, 2); DotTail(p, k, a3, b, ldb, sums + 6, 2);
    }

    /// <summary>
    /// <see cref="Dot2x6"/> for four rows with AVX-512 (sums[r * 6 + j]): each 512-bit register holds two rows'
    /// 8-lane sums side by side, so one FMA does the work of two 256-bit ones, lane for lane the same operations in the
    /// same order, and each half is summed across as Dot2x6 sums its register: the same bits.
    /// </summary>
    public static void Dot4x6(int k, float* a0, float* a1, float* a2, float* a3, float* b, int ldb, float* sums)
    {
        float* b0 = b, b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb, b4 = b + 4 * ldb, b5 = b + 5 * ldb;
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s04 = default, s05 = default; // rows 0 | 1
        Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default, s24 = default, s25 = default; // rows 2 | 3
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            Vector512<float> x01 = Avx512F.InsertVector256(Vector256.Load(a0 + p).ToVector512Unsafe(), Vector256.Load(a1 + p), 1);
            Vector512<float> x23 = Avx512F.InsertVector256(Vector256.Load(a2 + p).ToVector512Unsafe(), Vector256.Load(a3 + p), 1);
            Vector512<float> y = Avx512F.BroadcastVector256ToVector512((double*)(b0 + p)).AsSingle();
            s00 = Vector512.FusedMultiplyAdd(x01, y, s00); s20 = Vector512.FusedMultiplyAdd(x23, y, s20);
            y = Avx512F.BroadcastVector256ToVector512((double*)(b1 + p)).AsSingle();
            s01 = Vector512.FusedMultiplyAdd(x01, y, s01); s21 = Vector512.FusedMultiplyAdd(x23, y, s21);
            y = Avx512F.BroadcastVector256ToVector512((double*)(b2 + p)).AsSingle();
            s02 = Vector512.FusedMultiplyAdd(x01, y, s02); s22 = Vector512.FusedMultiplyAdd(x23, y, s22);
            y = Avx512F.BroadcastVector256ToVector512((double*)(b3 + p)).AsSingle();
            s03 = Vector512.FusedMultiplyAdd(x01, y, s03); s23 = Vector512.FusedMultiplyAdd(x23, y, s23);
            y = Avx512F.BroadcastVector256ToVector512((double*)(b4 + p)).AsSingle();
            s04 = Vector512.FusedMultiplyAdd(x01, y, s04); s24 = Vector512.FusedMultiplyAdd(x23, y, s24);
            y = Avx512F.BroadcastVector256ToVector512((double*)(b5 + p)).AsSingle();
            s05 = Vector512.FusedMultiplyAdd(x01, y, s05); s25 = Vector512.FusedMultiplyAdd(x23, y, s25);
        }
        SumHalves(s00, sums, 0); SumHalves(s01, sums, 1); SumHalves(s02, sums, 2);
        SumHalves(s03, sums, 3); SumHalves(s04, sums, 4); SumHalves(s05, sums, 5);
        SumHalves(s20, sums + 2 * DotColumns, 0); SumHalves(s21, sums + 2 * DotColumns, 1); SumHalves(s22, sums + 2 * DotColumns, 2);
        SumHalves(s23, sums + 2 * DotColumns, 3); SumHalves(s24, sums + 2 * DotColumns, 4); SumHalves(s25, sums + 2 * DotColumns, 5);
        DotTail(p, k, a0, b, ldb, sums, DotColumns); DotTail(p, k, a1, b, ldb, sums + DotColumns, DotColumns);
        DotTail(p, k, a2, b, ldb, sums + 2 * DotColumns, DotColumns); DotTail(p, k, a3, b, ldb, sums + 3 * DotColumns, DotColumns);
    }

    /// <summary>
    /// The depth's tail of one row's sums against <paramref name="columns"/> columns: terms p0..k−1, one FMA each in
    /// p's order after the vector part, the same for every dot kernel.
    /// </summary>
    private static void DotTail(int p0, int k, float* a, float* b, int ldb, float* row, int columns)
    {
        for (int p = p0; p < k; p++)
            for (int j = 0; j < columns; j++) row[j] = MathF.FusedMultiplyAdd(a[p], b[j * ldb + p], row[j]);
    }

    /// <summary>The lower half's sum to sums[column], the upper's to sums[6 + column]: two rows' sums of one column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumHalves(Vector512<float> pair, float* sums, int column)
    {
        sums[column] = Vector256.Sum(pair.GetLower());
        sums[DotColumns + column] = Vector256.Sum(pair.GetUpper());
    }

    /// <summary>
    /// Twelve dot products of length k: rows a0 and a1 against the six contiguous columns at b (column j at
    /// <c>b + j * ldb</c>), vectorised along k; sums[r * 6 + j] receives row r against column j.
    /// </summary>
    public static void Dot2x6(int k, float* a0, float* a1, float* b, int ldb, float* sums)
    {
        float* b0 = b, b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb, b4 = b + 4 * ldb, b5 = b + 5 * ldb;
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default, s04 = default, s05 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default, s14 = default, s15 = default;
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            Vector256<float> x0 = Vector256.Load(a0 + p), x1 = Vector256.Load(a1 + p);
            Vector256<float> y = Vector256.Load(b0 + p);
            s00 = Vector256.FusedMultiplyAdd(x0, y, s00); s10 = Vector256.FusedMultiplyAdd(x1, y, s10);
            y = Vector256.Load(b1 + p);
            s01 = Vector256.FusedMultiplyAdd(x0, y, s01); s11 = Vector256.FusedMultiplyAdd(x1, y, s11);
            y = Vector256.Load(b2 + p);
            s02 = Vector256.FusedMultiplyAdd(x0, y, s02); s12 = Vector256.FusedMultiplyAdd(x1, y, s12);
            y = Vector256.Load(b3 + p);
            s03 = Vector256.FusedMultiplyAdd(x0, y, s03); s13 = Vector256.FusedMultiplyAdd(x1, y, s13);
            y = Vector256.Load(b4 + p);
            s04 = Vector256.FusedMultiplyAdd(x0, y, s04); s14 = Vector256.FusedMultiplyAdd(x1, y, s14);
            y = Vector256.Load(b5 + p);
            s05 = Vector256.FusedMultiplyAdd(x0, y, s05); s15 = Vector256.FusedMultiplyAdd(x1, y, s15);
        }
        sums[0] = Vector256.Sum(s00); sums[1] = Vector256.Sum(s01); sums[2] = Vector256.Sum(s02);
        sums[3] = Vector256.Sum(s03); sums[4] = Vector256.Sum(s04); sums[5] = Vector256.Sum(s05);
        sums[6] = Vector256.Sum(s10); sums[7] = Vector256.Sum(s11); sums[8] = Vector256.Sum(s12);
        sums[9] = Vector256.Sum(s13); sums[10] = Vector256.Sum(s14); sums[11] = Vector256.Sum(s15);
        DotTail(p, k, a0, b, ldb, sums, DotColumns); DotTail(p, k, a1, b, ldb, sums + DotColumns, DotColumns);
    }
}
