using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Learner.Composition;

/// <summary>
/// Q_1 + … + Q_n as one MLP, exactly: the networks side by side. Each hidden layer concatenates theirs (width
/// Σ h_i) with block-diagonal weights, so unit j of network i sees only network i's units (ReLU acts unit by unit),
/// the first layer reads the same (obs, action) in every block, and the output layer stacks their output weights
/// and adds their biases. Everything that takes one Q network (the SVGD step, Q-contour plots) then takes the sum,
/// at the cost of the zero blocks in the layers after the first.
/// </summary>
public static class SummedQNetwork
{
    public static Mlp Build(IReadOnlyList<Mlp> networks)
    {
        if (networks.Count == 0) throw new ArgumentException("a sum needs at least one Q network");
        MlpShape first = networks[0].Shape;
        foreach (Mlp net in networks)
        {
            MlpShape shape = net.Shape;
            if (shape.ObsDim != first.ObsDim || shape.XDim != first.XDim || shape.OutputDim != 1 || shape.TanhOutput
                || shape.Hidden.Count != first.Hidden.Count)
                throw new ArgumentException($"Q networks {shape} and {first} cannot be summed: they need the same inputs, depth and one linear output");
        }
        int depth = first.Hidden.Count;
        int[] hidden = [.. Enumerable.Range(0, depth).Select(layer => networks.Sum(net => net.Shape.Hidden[layer]))];
        var sum = new Mlp(new MlpShape(first.ObsDim, first.XDim, hidden, 1, TanhOutput: false));
        float[] p = sum.Parameters;

        // Column offset of each network's block in every hidden layer; the row offset of a block is the column
        // offset one layer below (the first layer's inputs are shared, so its blocks start at row 0).
        int[] column = new int[depth];
        foreach (Mlp net in networks)
        {
            float[] q = net.Parameters;
            for (int layer = 0; layer <= depth; layer++)
            {
                int width = net.Shape.LayerWidth(layer), fanIn = net.Shape.LayerInputWidth(layer);
                int sumWidth = sum.Shape.LayerWidth(layer);
                int rowOffset = layer == 0 ? 0 : column[layer - 1];
                int columnOffset = layer < depth ? column[layer] : 0;
                for (int row = 0; row < fanIn; row++)
                    Array.Copy(q, net.WeightOffset(layer) + row * width, p, sum.WeightOffset(layer) + (rowOffset + row) * sumWidth + columnOffset, width);
                if (layer < depth)
                {
                    Array.Copy(q, net.BiasOffset(layer), p, sum.BiasOffset(layer) + columnOffset, width);
                }
                else
                {
                    p[sum.BiasOffset(layer)] += q[net.BiasOffset(layer)];
                }
            }
            for (int layer = 0; layer < depth; layer++) column[layer] += net.Shape.Hidden[layer];
        }
        return sum;
    }
}
