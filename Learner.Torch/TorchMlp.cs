using SoftQDistributed.Shared.Numerics.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace SoftQDistributed.Learner.Torch;

/// <summary>
/// An <see cref="Mlp"/> on TorchSharp: one flat leaf tensor in exactly <see cref="Mlp"/>'s layout (first layer as W_obs
/// [obs × h1], W_x [x × h1], bias; then W [in × out], bias per layer), with each layer's weights a view into it. So the
/// gradient lands in the same flat layout, and parameters move between backends with one copy, no reordering.
/// </summary>
public sealed class TorchMlp : IDisposable
{
    private readonly Mlp _layout;

    public TorchMlp(Mlp layout)
    {
        _layout = layout;
        Flat = zeros(layout.ParameterCount, ScalarType.Float32).requires_grad_(true);
    }

    public MlpShape Shape => _layout.Shape;

    /// <summary>The parameters, flat; its gradient accumulates in <c>Flat.grad</c>.</summary>
    public Tensor Flat { get; }

    /// <summary>Overwrites the parameters with <paramref name="source"/> (written outside autograd).</summary>
    public void Load(ReadOnlySpan<float> source) => Flat.data<float>().CopyFrom(source);

    /// <summary>Copies the accumulated gradient out (zeros where none reached), then clears it.</summary>
    public void TakeGradient(Span<float> destination)
    {
        using Tensor? grad = Flat.grad;
        if (grad is null) { destination.Clear(); return; }
        grad.data<float>().CopyTo(destination);
        grad.zero_();
    }

    /// <summary>
    /// Outputs for <paramref name="obs"/> [n × obs] and <paramref name="x"/> [n·k × x], k rows of x per state (the state's
    /// first-layer term computed once and broadcast, as our workspace does): [n·k × output].
    /// </summary>
    public Tensor Forward(Tensor obs, Tensor x, int k)
    {
        MlpShape shape = Shape;
        long n = obs.shape[0];
        int h1 = shape.LayerWidth(0);
        Tensor wx = Weight(_layout.XWeightOffset, shape.XDim, h1);
        Tensor h = x.view(n, k, shape.XDim).matmul(wx) + Bias(0);
        if (shape.ObsDim > 0) h = h + obs.matmul(Weight(0, shape.ObsDim, h1)).unsqueeze(1);
        h = nn.functional.relu(h.view(n * k, h1));
        for (int layer = 1; layer < shape.LayerCount; layer++)
        {
            h = h.matmul(Weight(_layout.WeightOffset(layer), shape.LayerInputWidth(layer), shape.LayerWidth(layer))) + Bias(layer);
            if (layer < shape.LayerCount - 1) h = nn.functional.relu(h);
        }
        return shape.TanhOutput ? h.tanh() : h;
    }

    private Tensor Weight(int offset, int rows, int columns) => Flat.narrow(0, offset, (long)rows * columns).view(rows, columns);

    private Tensor Bias(int layer) => Flat.narrow(0, _layout.BiasOffset(layer), Shape.LayerWidth(layer));

    public void Dispose() => Flat.Dispose();
}
