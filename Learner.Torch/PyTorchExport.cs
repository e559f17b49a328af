using SoftQDistributed.Shared.Numerics.Networks;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SoftQDistributed.Learner.Torch;

/// <summary>
/// Writes a network as a PyTorch state dict (<c>torch.load</c>-able, via TorchSharp.PyBridge) for
/// <c>torch.nn.Sequential(Linear, ReLU, …, Linear)</c> over concat(obs, x), keys "0.weight", "0.bias", "2.weight", …:
/// our [in × out] blocks become PyTorch's [out × in] weights, the first layer's W_obs and W_x stacked along its input.
/// The sampling network's tanh is not a module: apply <c>torch.tanh</c> to the output (<see cref="MlpShape.TanhOutput"/>).
/// </summary>
public static class PyTorchExport
{
    public static void Save(Mlp net, string path)
    {
        TorchRuntime.EnsureLoaded();
        MlpShape shape = net.Shape;
        using DisposeScope scope = NewDisposeScope();
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int layer = 0; layer < shape.LayerCount; layer++)
        {
            int inputs = shape.LayerInputWidth(layer), outputs = shape.LayerWidth(layer);
            var linear = nn.Linear(inputs, outputs);
            using (no_grad())
            {
                // Our layout holds the layer's [in × out] weights contiguously (layer 0: W_obs rows, then W_x rows).
                linear.weight!.copy_(Block(net.Parameters, net.WeightOffset(layer), inputs * outputs).view(inputs, outputs).t());
                linear.bias!.copy_(Block(net.Parameters, net.BiasOffset(layer), outputs));
            }
            layers.Add(($"{2 * layer}", linear));
            if (layer < shape.LayerCount - 1) layers.Add(($"{2 * layer + 1}", nn.ReLU()));
        }
        using var module = nn.Sequential(layers);
        module.save_py(path);
    }

    private static Tensor Block(float[] parameters, int offset, int length) => tensor(parameters.AsSpan(offset, length).ToArray());
}
