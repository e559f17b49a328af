namespace SoftQDistributed.Shared.Numerics.Networks;

/// <summary>
/// The shape of an MLP over two inputs, obs and x (an action, or the sampling network's noise):
/// concat(obs, x) → hidden ReLU layers → output, linear or tanh-squashed.
/// </summary>
public sealed record MlpShape(int ObsDim, int XDim, IReadOnlyList<int> Hidden, int OutputDim, bool TanhOutput)
{
    /// <summary>Widths of the layer outputs, hidden layers then the output.</summary>
    public int LayerWidth(int layer) => layer < Hidden.Count ? Hidden[layer] : OutputDim;

    /// <summary>Width of a layer's input.</summary>
    public int LayerInputWidth(int layer) => layer == 0 ? ObsDim + XDim : Hidden[layer - 1];

    public int LayerCount => Hidden.Count + 1;

    public int MaxWidth => Math.Max(OutputDim, Hidden.Count == 0 ? 0 : Hidden.Max());

    /// <summary>Same dimensions and layers (records compare the hidden list by reference); allocates nothing.</summary>
    public bool SameAs(MlpShape other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (ObsDim != other.ObsDim || XDim != other.XDim || OutputDim != other.OutputDim
            || TanhOutput != other.TanhOutput || Hidden.Count != other.Hidden.Count) return false;
        for (int i = 0; i < Hidden.Count; i++)
            if (Hidden[i] != other.Hidden[i]) return false;
        return true;
    }

    public void Validate()
    {
        if (ObsDim < 0 || XDim <= 0 || OutputDim <= 0)
            throw new ArgumentException($"MLP dimensions must be positive (obs {ObsDim}, x {XDim}, output {OutputDim})");
        if (Hidden.Count == 0 || Hidden.Any(h => h <= 0))
            throw new ArgumentException($"an MLP needs at least one hidden layer of positive width, got [{string.Join(", ", Hidden)}]");
    }

    public override string ToString() =>
        $"({ObsDim}+{XDim}) → {string.Join(" → ", Hidden)} → {OutputDim}{(TanhOutput ? " tanh" : "")}";
}
