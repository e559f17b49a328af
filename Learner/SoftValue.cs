namespace SoftQDistributed.Learner;

/// <summary>
/// The soft value by importance sampling with a uniform proposal on [-1, 1]^d:
/// V(s') = logsumexp_k Q(s', a_k) − log K_v + d·log 2, the last term being −log q(a) for q = 2^−d.
/// </summary>
public static class SoftValue
{
    public static float Estimate(ReadOnlySpan<float> qValues, int actionDim)
    {
        float max = float.NegativeInfinity;
        foreach (float q in qValues) max = MathF.Max(max, q);
        if (!float.IsFinite(max)) return max; // NaN or ±Inf propagate and the update is skipped
        double sum = 0;
        foreach (float q in qValues) sum += Math.Exp(q - max);
        return (float)(max + Math.Log(sum) - Math.Log(qValues.Length) + actionDim * Math.Log(2.0));
    }
}
