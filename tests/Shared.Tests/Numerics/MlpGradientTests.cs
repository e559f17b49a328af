using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Numerics.Networks;
using SoftQDistributed.Tests.Reference;

namespace SoftQDistributed.Tests.Numerics;

/// <summary>
/// Analytic float32 gradients against central differences of an independent float64 implementation.
/// The loss is L = Σ w ⊙ output with fixed random weights w, so dL/d(output) = w.
/// </summary>
public sealed class MlpGradientTests
{
    public static TheoryData<int, int, int, bool, int, int> Networks() => new()
    {
        // obs, x, output, tanh, states, particles
        { 3, 2, 1, false, 4, 1 },   // a Q network on (s, a) pairs
        { 3, 2, 1, false, 3, 5 },   // a Q network on particles sharing a state
        { 4, 3, 3, true, 3, 4 },    // a sampling network
        { 0, 3, 2, true, 2, 3 },    // no observation block
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameter_and_input_gradients_match_finite_differences(int obsDim, int xDim, int outDim, bool tanh, int states, int particles)
    {
        foreach (IGemm gemm in Backends())
        {
            var rng = new Rng(42);
            var net = new Mlp(new MlpShape(obsDim, xDim, [7, 5], outDim, tanh));
            net.InitializeXavier(rng);
            // Non-zero biases so that every term of the layout is exercised.
            for (int layer = 0; layer < net.Shape.LayerCount; layer++)
                rng.FillUniform(net.Parameters.AsSpan(net.BiasOffset(layer), net.Shape.LayerWidth(layer)), -0.3f, 0.3f);
            int rows = states * particles;
            float[] obs = new float[states * obsDim], x = new float[rows * xDim], weights = new float[rows * outDim];
            rng.FillUniform(obs, -1f, 1f);
            rng.FillUniform(x, -1f, 1f);
            rng.FillUniform(weights, -1f, 1f);

            var workspace = new MlpWorkspace(net.Shape, rows + 3, states + 1);
            ReadOnlySpan<float> output = workspace.Forward(gemm, net, obs, x, states, particles);
            double[] reference = ReferenceMlp.Forward(net, ReferenceMlp.ToDouble(net.Parameters), ReferenceMlp.ToDouble(obs), ReferenceMlp.ToDouble(x), states, particles);
            ReferenceMlp.AssertClose(reference, output, 1e-5, 1e-5, $"{gemm.Name} output");

            float[] parameterGrad = new float[net.ParameterCount];
            float[] xGrad = new float[rows * xDim];
            workspace.Backward(gemm, net, weights, parameterGrad, xGrad);

            double[] p = ReferenceMlp.ToDouble(net.Parameters), o = ReferenceMlp.ToDouble(obs), xs = ReferenceMlp.ToDouble(x);
            double Loss(double[] parameters, double[] inputs)
            {
                double[] y = ReferenceMlp.Forward(net, parameters, o, inputs, states, particles);
                double sum = 0;
                for (int i = 0; i < y.Length; i++) sum += weights[i] * y[i];
                return sum;
            }
            double[] expectedParams = new double[p.Length];
            for (int i = 0; i < p.Length; i++) expectedParams[i] = ReferenceMlp.CentralDifference(q => Loss(q, xs), p, i);
            double[] expectedX = new double[xs.Length];
            for (int i = 0; i < xs.Length; i++) expectedX[i] = ReferenceMlp.CentralDifference(v => Loss(p, v), xs, i);

            ReferenceMlp.AssertClose(expectedParams, parameterGrad, 1e-4, 1e-5, $"{gemm.Name} dL/dθ");
            ReferenceMlp.AssertClose(expectedX, xGrad, 1e-4, 1e-5, $"{gemm.Name} dL/dx");
        }
    }

    [Fact]
    public void Backward_accumulates_parameter_gradients_and_can_skip_them()
    {
        var rng = new Rng(5);
        var net = new Mlp(new MlpShape(2, 2, [8], 1, false));
        net.InitializeXavier(rng);
        var gemm = new ManagedGemm();
        var workspace = new MlpWorkspace(net.Shape, 6);
        float[] obs = [0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f], x = [0.3f, -0.2f, 0.1f, 0.9f, -0.4f, 0.2f];
        float[] upstream = [1f, -1f, 0.5f];
        workspace.Forward(gemm, net, obs, x, 3, 1);
        float[] once = new float[net.ParameterCount], twice = new float[net.ParameterCount];
        workspace.Backward(gemm, net, upstream, once, default);
        workspace.Backward(gemm, net, upstream, twice, default);
        workspace.Backward(gemm, net, upstream, twice, default);
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 5);

        float[] xOnly = new float[6];
        workspace.Backward(gemm, net, upstream, default, xOnly);
        Assert.Contains(xOnly, v => v != 0f);
    }

    [Fact]
    public void Inference_forward_allocates_nothing_per_call()
    {
        var net = new Mlp(new MlpShape(2, 2, [32, 32], 2, true));
        net.InitializeXavier(new Rng(1));
        var workspace = new MlpWorkspace(net.Shape, 8);
        float[] obs = new float[8 * 2], x = new float[8 * 2];
        IGemm gemm = new ManagedGemm();
        workspace.Forward(gemm, net, obs, x, 8, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) workspace.Forward(gemm, net, obs, x, 1 + i % 8, 1);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Forward_refuses_more_rows_than_the_workspace_holds()
    {
        var net = new Mlp(new MlpShape(2, 2, [4], 1, false));
        var workspace = new MlpWorkspace(net.Shape, 4);
        var error = Assert.Throws<ArgumentException>(() => workspace.Forward(new ManagedGemm(), net, new float[10], new float[10], 5, 1));
        Assert.Contains("exceed this workspace", error.Message);
    }

    internal static IEnumerable<IGemm> Backends()
    {
        yield return new ManagedGemm();
        if (OpenBlasGemm.TryLoad(1, out _) is { } blas) yield return blas;
    }
}
