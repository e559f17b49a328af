using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>
/// Register-blocked micro-kernels for <see cref="ManagedGemm"/>: C[mr×nr] = alpha * Apanel · Bpanel + beta * C
/// over packed, zero-padded panels. Full tiles write straight to C; edge tiles go through a scratch tile.
/// </summary>
internal static unsafe class GemmKernels
{
    public const int MR512 = 8, NR512 = 32;  // 16 zmm accumulators + 2 B vectors + 1 broadcast of 32 registers
    public const int MR256 = 6, NR256 = 16;  // 12 ymm accumulators + 2 B vectors + 1 broadcast of 16 registers

    [SkipLocalsInit]
    public static void Tile(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, float alpha, float beta)
    {
        bool wide = Vector512.IsHardwareAccelerated;
        int fullMr = wide ? MR512 : MR256, fullNr = wide ? NR512 : NR256;
        if (mr == fullMr && nr == fullNr)
        {
            if (wide) Kernel8x32(kc, a, b, c, ldc, alpha, beta);
            else Kernel6x16(kc, a, b, c, ldc, alpha, beta);
            return;
        }
        float* scratch = stackalloc float[MR512 * NR512];
        if (wide) Kernel8x32(kc, a, b, scratch, fullNr, 1f, 0f);
        else Kernel6x16(kc, a, b, scratch, fullNr, 1f, 0f);
        for (int r = 0; r < mr; r++)
        {
            float* src = scratch + r * fullNr;
            float* dst = c + (long)r * ldc;
            for (int j = 0; j < nr; j++)
                dst[j] = beta == 0 ? alpha * src[j] : alpha * src[j] + beta * dst[j];
        }
    }

    private static void Kernel8x32(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a += MR512;
            b += NR512;
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

    private static void Kernel6x16(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            a += MR256;
            b += NR256;
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
}
