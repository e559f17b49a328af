namespace SoftQDistributed.Shared.Checkpoints;

/// <summary>The safetensors element types this project stores; the names are the format's own.</summary>
public enum TensorDType
{
    F32,
    F64,
    I64,
}

internal static class TensorDTypes
{
    public static int ElementSize(this TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => 4,
        TensorDType.F64 => 8,
        TensorDType.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    public static bool TryParse(string name, out TensorDType dtype)
    {
        switch (name)
        {
            case "F32": dtype = TensorDType.F32; return true;
            case "F64": dtype = TensorDType.F64; return true;
            case "I64": dtype = TensorDType.I64; return true;
            default: dtype = default; return false;
        }
    }
}
