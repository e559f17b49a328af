using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Shared.Numerics.Networks;

/// <summary>
/// Forward and backward passes of an <see cref="Mlp"/> over up to <see cref="MaxRows"/> rows, with every
/// buffer preallocated: after construction neither pass allocates. Forward keeps what backward needs (the
/// inputs and each layer's output); one workspace per thread, any number per network.
///
/// Rows are grouped by state: row r belongs to state r / particles, and the first layer computes
/// obs·W_obs + b once per state and adds it to every particle's x·W_x, which equals
/// Linear(concat(obs, x)) on the tiled input at a fraction of the cost.
/// </summary>
public sealed class MlpWorkspace
{
    private readonly Matrix[] _outputs;      // each layer's output (post-activation)
    private readonly Matrix _obsProjection;  // obs·W_obs + b, per state
    private readonly Matrix _gradA, _gradB;  // ping-pong upstream gradients during backward
    private readonly Matrix _stateGrad;      // first-layer gradient summed over each state's particles
    private ReadOnlyMemory<float> _obs, _x;
    private int _states, _particles;

    public MlpWorkspace(MlpShape shape, int maxRows, int maxStates = -1)
    {
        shape.Validate();
        Shape = shape;
        MaxRows = maxRows;
        MaxStates = maxStates < 0 ? maxRows : maxStates;
        _outputs = new Matrix[shape.LayerCount];
        for (int layer = 0; layer < shape.LayerCount; layer++) _outputs[layer] = new Matrix(maxRows, shape.LayerWidth(layer));
        _obsProjection = new Matrix(MaxStates, shape.LayerWidth(0));
        _stateGrad = new Matrix(MaxStates, shape.LayerWidth(0));
        _gradA = new Matrix(maxRows, shape.MaxWidth);
        _gradB = new Matrix(maxRows, shape.MaxWidth);
    }

    public MlpShape Shape { get; }

    public int MaxRows { get; }

    public int MaxStates { get; }

    /// <summary>Rows of the last forward pass.</summary>
    public int Rows => _states * _particles;

    /// <summary>The last forward pass's output, [Rows × OutputDim].</summary>
    public ReadOnlySpan<float> Output => _outputs[^1].Head(Rows);

    /// <summary>The same output as memory, to feed another network's forward pass without a copy.</summary>
    public ReadOnlyMemory<float> OutputMemory => _outputs[^1].Data.AsMemory(0, Rows * Shape.OutputDim);

    /// <summary>
    /// Forward pass for <paramref name="states"/> states with <paramref name="particles"/> x rows each:
    /// obs is [states × ObsDim], x is [(states·particles) × XDim]. Both are kept (not copied) for backward,
    /// so leave them unchanged until then. Returns the output, [(states·particles) × OutputDim].
    /// </summary>
    public ReadOnlySpan<float> Forward(IGemm gemm, Mlp net, ReadOnlyMemory<float> obs, ReadOnlyMemory<float> x, int states, int particles)
    {
        CheckNet(net);
        int rows = states * particles;
        if (states > MaxStates || rows > MaxRows)
            throw new ArgumentException($"{states} states × {particles} particles exceed this workspace ({MaxStates} states, {MaxRows} rows)");
        if (obs.Length < states * Shape.ObsDim || x.Length < rows * Shape.XDim)
            throw new ArgumentException($"inputs too short: obs {obs.Length} < {states}×{Shape.ObsDim} or x {x.Length} < {rows}×{Shape.XDim}");
        (_obs, _x, _states, _particles) = (obs, x, states, particles);

        ReadOnlySpan<float> p = net.Parameters;
        int h1 = Shape.LayerWidth(0);
        Span<float> projection = _obsProjection.Head(states);
        ReadOnlySpan<float> bias0 = p.Slice(net.BiasOffset(0), h1);
        if (Shape.ObsDim > 0)
        {
            gemm.Multiply(false, false, states, h1, Shape.ObsDim, 1f, obs.Span, Shape.ObsDim,
                p.Slice(0, Shape.ObsDim * h1), h1, 0f, projection, h1);
            VectorOps.AddBias(projection, bias0);
        }
        else
        {
            for (int s = 0; s < states; s++) bias0.CopyTo(projection.Slice(s * h1, h1));
        }
        // Bias and ReLU go with the products (GemmEpilogue): per tile while C is in cache where the GEMM can.
        gemm.MultiplyAddRelu(rows, h1, Shape.XDim, x.Span, Shape.XDim, p.Slice(net.XWeightOffset, Shape.XDim * h1), h1,
            _outputs[0].Head(rows), h1, projection, h1, particles);

        for (int layer = 1; layer < Shape.LayerCount; layer++)
        {
            int fanIn = Shape.LayerInputWidth(layer), width = Shape.LayerWidth(layer);
            Span<float> output = _outputs[layer].Head(rows);
            ReadOnlySpan<float> input = _outputs[layer - 1].Head(rows), weights = p.Slice(net.WeightOffset(layer), fanIn * width);
            ReadOnlySpan<float> bias = p.Slice(net.BiasOffset(layer), width);
            if (layer < Shape.LayerCount - 1)
            {
                gemm.MultiplyAddRelu(rows, width, fanIn, input, fanIn, weights, width, output, width, bias, 0, 1);
            }
            else
            {
                gemm.Multiply(false, false, rows, width, fanIn, 1f, input, fanIn, weights, width, 0f, output, width);
                VectorOps.AddBias(output, bias);
                if (Shape.TanhOutput) System.Numerics.Tensors.TensorPrimitives.Tanh(output, output);
            }
        }
        return Output;
    }

    /// <summary>
    /// Backward pass of the last forward, from <paramref name="outputGrad"/> = dL/d(output) [Rows × OutputDim].
    /// Adds dL/dθ into <paramref name="parameterGrad"/> (laid out like <see cref="Mlp.Parameters"/>; pass an
    /// empty span to skip parameter gradients) and writes dL/dx into <paramref name="xGrad"/> [Rows × XDim]
    /// (empty to skip). Input gradients w.r.t. obs are never needed here and are not computed.
    /// </summary>
    public void Backward(IGemm gemm, Mlp net, ReadOnlySpan<float> outputGrad, Span<float> parameterGrad, Span<float> xGrad)
    {
        CheckNet(net);
        int rows = Rows;
        int outDim = Shape.OutputDim;
        if (outputGrad.Length < rows * outDim)
            throw new ArgumentException($"output gradient has {outputGrad.Length} values, expected {rows}×{outDim}");
        bool wantParams = !parameterGrad.IsEmpty, wantX = !xGrad.IsEmpty;
        if (wantParams && parameterGrad.Length != net.ParameterCount)
            throw new ArgumentException($"parameter gradient has {parameterGrad.Length} values, the network has {net.ParameterCount}");
        if (wantX && xGrad.Length < rows * Shape.XDim)
            throw new ArgumentException($"x gradient has {xGrad.Length} values, expected {rows}×{Shape.XDim}");

        ReadOnlySpan<float> p = net.Parameters;
        Matrix grad = _gradA, spare = _gradB;
        Span<float> g = grad.Head(rows)[..(rows * outDim)];
        if (Shape.TanhOutput) VectorOps.TanhBackward(outputGrad[..(rows * outDim)], _outputs[^1].Head(rows), g);
        else outputGrad[..(rows * outDim)].CopyTo(g);

        for (int layer = Shape.LayerCount - 1; layer >= 1; layer--)
        {
            int fanIn = Shape.LayerInputWidth(layer), width = Shape.LayerWidth(layer);
            ReadOnlySpan<float> input = _outputs[layer - 1].Head(rows);
            if (wantParams)
            {
                gemm.Multiply(true, false, fanIn, width, rows, 1f, input, fanIn, g, width,
                    1f, parameterGrad.Slice(net.WeightOffset(layer), fanIn * width), width);
                VectorOps.AccumulateColumnSums(g, parameterGrad.Slice(net.BiasOffset(layer), width));
            }
            // Gradient w.r.t. this layer's input, then through the previous layer's ReLU.
            Span<float> inputGrad = spare.Head(rows)[..(rows * fanIn)];
            gemm.MultiplyReluMask(true, rows, fanIn, width, g, width, p.Slice(net.WeightOffset(layer), fanIn * width), width,
                inputGrad, fanIn, input, fanIn);
            (grad, spare) = (spare, grad);
            g = inputGrad;
        }

        int h1 = Shape.LayerWidth(0);
        if (wantParams)
        {
            gemm.Multiply(true, false, Shape.XDim, h1, rows, 1f, _x.Span, Shape.XDim, g, h1,
                1f, parameterGrad.Slice(net.XWeightOffset, Shape.XDim * h1), h1);
            Span<float> perState = _stateGrad.Head(_states);
            VectorOps.SumParticles(g, h1, _particles, perState);
            if (Shape.ObsDim > 0)
                gemm.Multiply(true, false, Shape.ObsDim, h1, _states, 1f, _obs.Span, Shape.ObsDim, perState, h1,
                    1f, parameterGrad.Slice(0, Shape.ObsDim * h1), h1);
            VectorOps.AccumulateColumnSums(perState, parameterGrad.Slice(net.BiasOffset(0), h1));
        }
        if (wantX)
        {
            gemm.Multiply(false, true, rows, Shape.XDim, h1, 1f, g, h1,
                p.Slice(net.XWeightOffset, Shape.XDim * h1), h1, 0f, xGrad[..(rows * Shape.XDim)], Shape.XDim);
        }
    }

    private void CheckNet(Mlp net)
    {
        if (!net.Shape.SameAs(Shape))
            throw new ArgumentException($"workspace for {Shape} used with network {net.Shape}");
    }
}
