namespace SoftQDistributed.Shared.Numerics.Networks;

/// <summary>
/// An MLP's parameters, all in one flat array (so flatten/unflatten, Adam, Polyak averaging and
/// gradient sums are single passes). Layout, layer by layer: the first layer as two weight blocks,
/// W_obs [obs × h1] and W_x [x × h1], then its bias; every later layer as W [in × out] then its bias.
/// Forward and backward state lives in an <see cref="MlpWorkspace"/>, one per thread.
/// </summary>
public sealed class Mlp
{
    private readonly int[] _weightOffsets;
    private readonly int[] _biasOffsets;

    public Mlp(MlpShape shape)
    {
        shape.Validate();
        Shape = shape;
        _weightOffsets = new int[shape.LayerCount];
        _biasOffsets = new int[shape.LayerCount];
        int offset = 0;
        for (int layer = 0; layer < shape.LayerCount; layer++)
        {
            _weightOffsets[layer] = offset;
            offset += shape.LayerInputWidth(layer) * shape.LayerWidth(layer);
            _biasOffsets[layer] = offset;
            offset += shape.LayerWidth(layer);
        }
        Parameters = new float[offset];
    }

    public MlpShape Shape { get; }

    public float[] Parameters { get; }

    public int ParameterCount => Parameters.Length;

    /// <summary>A layer's weights [in × out], row-major; for layer 0 the obs block comes first, then the x block.</summary>
    public int WeightOffset(int layer) => _weightOffsets[layer];

    public int BiasOffset(int layer) => _biasOffsets[layer];

    /// <summary>Offset of the first layer's x block, W_x [x × h1].</summary>
    public int XWeightOffset => Shape.ObsDim * Shape.LayerWidth(0);

    /// <summary>
    /// Xavier-uniform weights, zero biases. Each of the first layer's blocks is initialised with its own
    /// fan-in, as the reference does when it builds one weight variable per input.
    /// </summary>
    public void InitializeXavier(Rng rng)
    {
        Array.Clear(Parameters);
        int h1 = Shape.LayerWidth(0);
        if (Shape.ObsDim > 0) FillXavier(rng, Parameters.AsSpan(0, Shape.ObsDim * h1), Shape.ObsDim, h1);
        FillXavier(rng, Parameters.AsSpan(XWeightOffset, Shape.XDim * h1), Shape.XDim, h1);
        for (int layer = 1; layer < Shape.LayerCount; layer++)
        {
            int fanIn = Shape.LayerInputWidth(layer), fanOut = Shape.LayerWidth(layer);
            FillXavier(rng, Parameters.AsSpan(_weightOffsets[layer], fanIn * fanOut), fanIn, fanOut);
        }
    }

    /// <summary>Writes all parameters into <paramref name="destination"/> (for broadcasts and checkpoints).</summary>
    public void Flatten(Span<float> destination)
    {
        RequireLength(destination.Length);
        Parameters.CopyTo(destination);
    }

    /// <summary>Replaces all parameters from a flat vector written by <see cref="Flatten"/>.</summary>
    public void Unflatten(ReadOnlySpan<float> source)
    {
        RequireLength(source.Length);
        source.CopyTo(Parameters);
    }

    /// <summary>Hard copy: this ← source (the target network update).</summary>
    public void CopyFrom(Mlp source)
    {
        RequireSameShape(source);
        source.Parameters.CopyTo(Parameters, 0);
    }

    /// <summary>Polyak averaging: this ← (1 − tau)·this + tau·source.</summary>
    public void PolyakUpdateFrom(Mlp source, float tau)
    {
        RequireSameShape(source);
        if (tau is < 0f or > 1f) throw new ArgumentOutOfRangeException(nameof(tau), tau, "Polyak tau must be in [0, 1]");
        System.Numerics.Tensors.TensorPrimitives.Lerp(Parameters, source.Parameters, tau, Parameters);
    }

    private static void FillXavier(Rng rng, Span<float> weights, int fanIn, int fanOut)
    {
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        rng.FillUniform(weights, -limit, limit);
    }

    private void RequireLength(int length)
    {
        if (length != Parameters.Length)
            throw new ArgumentException($"parameter vector has {length} values; the network {Shape} has {Parameters.Length}");
    }

    private void RequireSameShape(Mlp other)
    {
        if (!other.Shape.SameAs(Shape))
            throw new ArgumentException($"network shapes differ: {other.Shape} vs {Shape}");
    }
}
