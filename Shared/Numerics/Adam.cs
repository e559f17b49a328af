using System.Runtime.Intrinsics;

namespace SoftQDistributed.Shared.Numerics;

/// <summary>
/// Adam with bias correction (Kingma and Ba): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
/// θ ← θ − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β1^t), v̂ = v/(1−β2^t). Its state (m, v, t) is public for checkpoints.
/// </summary>
public sealed class Adam
{
    public Adam(int parameterCount, float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
    {
        if (!(learningRate > 0f)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be positive");
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        FirstMoment = new float[parameterCount];
        SecondMoment = new float[parameterCount];
    }

    public float LearningRate { get; }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    public float[] FirstMoment { get; }

    public float[] SecondMoment { get; }

    /// <summary>Steps taken (t).</summary>
    public long Step { get; set; }

    /// <summary>One descent step: parameters move against <paramref name="gradient"/>.</summary>
    public void Apply(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != FirstMoment.Length || gradient.Length != FirstMoment.Length)
            throw new ArgumentException($"Adam holds {FirstMoment.Length} parameters; got {parameters.Length} parameters and {gradient.Length} gradients");
        Step++;
        float b1 = Beta1, b2 = Beta2;
        float correction1 = 1f / (1f - (float)Math.Pow(b1, Step));
        float correction2 = 1f / (1f - (float)Math.Pow(b2, Step));
        float lr = LearningRate, eps = Epsilon;
        Span<float> m = FirstMoment, v = SecondMoment;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // The scalar loop's operations in its order (no fused multiply-adds), eight at a time: the same bits.
            var b1v = Vector256.Create(b1);
            var b2v = Vector256.Create(b2);
            var oneMinusB1 = Vector256.Create(1f - b1);
            var oneMinusB2 = Vector256.Create(1f - b2);
            var c1 = Vector256.Create(correction1);
            var c2 = Vector256.Create(correction2);
            var lrv = Vector256.Create(lr);
            var epsv = Vector256.Create(eps);
            int width = Vector256<float>.Count;
            for (; i <= parameters.Length - width; i += width)
            {
                Vector256<float> gi = Vector256.Create(gradient.Slice(i, width));
                Vector256<float> mi = b1v * Vector256.Create(m.Slice(i, width)) + oneMinusB1 * gi;
                Vector256<float> vi = b2v * Vector256.Create(v.Slice(i, width)) + oneMinusB2 * gi * gi;
                mi.CopyTo(m.Slice(i));
                vi.CopyTo(v.Slice(i));
                Vector256<float> step = lrv * (mi * c1) / (Vector256.Sqrt(vi * c2) + epsv);
                (Vector256.Create(parameters.Slice(i, width)) - step).CopyTo(parameters.Slice(i));
            }
        }
        for (; i < parameters.Length; i++)
        {
            float gi = gradient[i];
            float mi = m[i] = b1 * m[i] + (1f - b1) * gi;
            float vi = v[i] = b2 * v[i] + (1f - b2) * gi * gi;
            parameters[i] -= lr * (mi * correction1) / (MathF.Sqrt(vi * correction2) + eps);
        }
    }
}
