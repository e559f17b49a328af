using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SoftQDistributed.Shared.Numerics.Gemm;

/// <summary>
/// An element-wise pass over a product's C, applied by the GEMM while a tile of C is still in cache instead of as
/// another pass over the whole matrix: a layer's bias and ReLU (<c>C[i, :] = max(C[i, :] + add[i / rowsPerAddRow, :], 0)</c>),
/// or ReLU's backward (<c>C[i, :] *= (mask[i, :] &gt; 0)</c>). Pointers are held as <c>nint</c> so that parallel
/// partitions can capture it; the memory must stay pinned for the call.
/// </summary>
public readonly unsafe struct GemmEpilogue
{
    private readonly nint _add, _mask;
    private readonly int _addStride, _rowsPerAddRow, _maskStride;

    private GemmEpilogue(nint add, int addStride, int rowsPerAddRow, nint mask, int maskStride)
    {
        (_add, _addStride, _rowsPerAddRow, _mask, _maskStride) = (add, addStride, rowsPerAddRow, mask, maskStride);
    }

    /// <summary><c>max(C + bias, 0)</c>, one bias row for every row of C.</summary>
    public static GemmEpilogue AddRelu(float* bias) => new((nint)bias, 0, 1, 0, 0);

    /// <summary><c>max(C[i, :] + rows[i / rowsPerAddRow, :], 0)</c>: a per-state row added to each of its particles' rows.</summary>
    public static GemmEpilogue AddRelu(float* rows, int stride, int rowsPerAddRow) => new((nint)rows, stride, rowsPerAddRow, 0, 0);

    /// <summary><c>C *= (activation &gt; 0)</c>, activation laid out like C with its own stride: ReLU's backward from its output.</summary>
    public static GemmEpilogue ReluMask(float* activation, int stride) => new(0, 0, 1, (nint)activation, stride);

    /// <summary>Applies the pass to C's rows [row0, row0 + rows) and columns [col0, col0 + cols); <paramref name="c"/> points at (row0, col0).</summary>
    public void Apply(float* c, int ldc, int row0, int rows, int col0, int cols)
    {
        if (_mask != 0)
        {
            float* mask = (float*)_mask + (long)row0 * _maskStride + col0;
            for (int r = 0; r < rows; r++, c += ldc, mask += _maskStride) Row(c, mask, cols, isMask: true);
            return;
        }
        int group = row0 / _rowsPerAddRow, inGroup = row0 - group * _rowsPerAddRow;
        float* add = (float*)_add + (long)group * _addStride + col0;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            Row(c, add, cols, isMask: false);
            if (++inGroup == _rowsPerAddRow)
            {
                inGroup = 0;
                add += _addStride;
            }
        }
    }

    /// <summary>
    /// For a kernel that finishes a row of C in registers: what the pass reads for C's row <paramref name="row"/> (the
    /// row added, or the mask's row), from column 0, for <see cref="OnRegisters(Vector512{float}, float*, bool)"/>.
    /// </summary>
    internal float* OperandRow(int row) =>
        _mask != 0 ? (float*)_mask + (long)row * _maskStride : (float*)_add + (long)(row / _rowsPerAddRow) * _addStride;

    internal bool IsMask => _mask != 0;

    /// <summary>
    /// The pass on values not yet stored: <c>max(c + operand, 0)</c> (NaN propagates, as through
    /// TensorPrimitives.Max), or c where the mask's operand is &gt; 0 and 0 elsewhere. <see cref="Apply"/> uses the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> OnRegisters(Vector512<float> c, float* operand, bool isMask) => isMask
        ? Vector512.BitwiseAnd(c, Vector512.GreaterThan(Vector512.Load(operand), Vector512<float>.Zero))
        : Vector512.Max(c + Vector512.Load(operand), Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> OnRegisters(Vector256<float> c, float* operand, bool isMask) => isMask
        ? Vector256.BitwiseAnd(c, Vector256.GreaterThan(Vector256.Load(operand), Vector256<float>.Zero))
        : Vector256.Max(c + Vector256.Load(operand), Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float OnRegisters(float c, float operand, bool isMask) => isMask
        ? (operand > 0f ? c : 0f)
        : MathF.Max(c + operand, 0f);

    /// <summary>Starts loading what <see cref="Apply"/> will read for this block of C (a mask's rows).</summary>
    public void Prefetch(int row0, int rows, int col0, int cols)
    {
        if (_mask == 0 || !Sse.IsSupported) return;
        float* mask = (float*)_mask + (long)row0 * _maskStride + col0;
        for (int r = 0; r < rows; r++, mask += _maskStride)
        {
            Sse.Prefetch0(mask);
            Sse.Prefetch0(mask + cols - 1);
        }
    }

    /// <summary>The pass over one row of C, with <see cref="OnRegisters(Vector256{float}, float*, bool)"/>'s operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float* c, float* operand, int n, bool isMask)
    {
        int j = 0;
        for (; j + 8 <= n; j += 8) OnRegisters(Vector256.Load(c + j), operand + j, isMask).Store(c + j);
        for (; j < n; j++) c[j] = OnRegisters(c[j], operand[j], isMask);
    }
}
