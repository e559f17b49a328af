using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Tests.Reference;

/// <summary>
/// A plain double-precision MLP over the same parameter layout as <see cref="Mlp"/>, written as naive loops
/// on the concatenated input concat(obs, x): the independent reference that gradient checks differentiate
/// numerically.
/// </summary>
public static class ReferenceMlp
{
    public static double[] Forward(Mlp net, double[] parameters, double[] obs, double[] x, int states, int particles)
    {
        MlpShape shape = net.Shape;
        int rows = states * particles;
        double[] input = new double[rows * (shape.ObsDim + shape.XDim)];
        int width = shape.ObsDim + shape.XDim;
        for (int r = 0; r < rows; r++)
        {
            int s = r / particles;
            for (int i = 0; i < shape.ObsDim; i++) input[r * width + i] = obs[s * shape.ObsDim + i];
            for (int i = 0; i < shape.XDim; i++) input[r * width + shape.ObsDim + i] = x[r * shape.XDim + i];
        }
        double[] current = input;
        for (int layer = 0; layer < shape.LayerCount; layer++)
        {
            int fanIn = shape.LayerInputWidth(layer), fanOut = shape.LayerWidth(layer);
            int w = net.WeightOffset(layer), b = net.BiasOffset(layer);
            bool last = layer == shape.LayerCount - 1;
            var next = new double[rows * fanOut];
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < fanOut; j++)
                {
                    double sum = parameters[b + j];
                    // For layer 0 the obs block rows come first, then the x block rows: one [obs+x × h1] matrix.
                    for (int i = 0; i < fanIn; i++) sum += current[r * fanIn + i] * parameters[w + i * fanOut + j];
                    next[r * fanOut + j] = last ? (shape.TanhOutput ? Math.Tanh(sum) : sum) : Math.Max(sum, 0);
                }
            }
            current = next;
        }
        return current;
    }

    /// <summary>Central difference of a scalar function of one coordinate.</summary>
    public static double CentralDifference(Func<double[], double> f, double[] point, int index, double step = 1e-6)
    {
        double saved = point[index];
        point[index] = saved + step;
        double plus = f(point);
        point[index] = saved - step;
        double minus = f(point);
        point[index] = saved;
        return (plus - minus) / (2 * step);
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }

    /// <summary>Asserts |expected − actual| ≤ absolute + relative·|expected| element-wise, naming the first failure.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double relative, double absolute, string what)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = absolute + relative * Math.Abs(expected[i]);
            if (Math.Abs(expected[i] - actual[i]) > tolerance)
                Xunit.Assert.Fail($"{what}[{i}]: expected {expected[i]:G9}, got {actual[i]:G9} (tolerance {tolerance:G3})");
        }
    }
}
