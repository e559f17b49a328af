using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// The learner's whole state, one definition for the embedded trainer and the learner service: the networks,
/// the update step with both Adam states, its counters and its random generator. Checkpoints hold it under fixed
/// names; the <c>counters</c> tensor starts with the learner's four counters, followed by the owner's own.
/// </summary>
public sealed class LearnerState : IDisposable
{
    /// <summary>Leading entries of <c>counters</c>: both Adam steps, updates, skipped updates.</summary>
    public const int LearnerCounters = 4;

    /// <summary>Initialises the networks from <paramref name="seed"/> and the update's generator from seed + 1, as every run does.</summary>
    /// <param name="plugin">Where given, the update's gradients come from it (the torch backend); otherwise ours on <paramref name="gemm"/>.</param>
    public LearnerState(int obsDim, int actDim, SoftQSettings softQ, IGemm gemm, ulong seed, int batchSize, int threads, IUpdateGradientsFactory? plugin = null)
    {
        Networks = new SoftQNetworks(obsDim, actDim, softQ.Hidden, new Rng(seed));
        IUpdateGradients gradients = plugin?.Create(Networks, softQ, batchSize, threads) ?? new ManagedGradients(Networks, softQ, gemm, batchSize, threads);
        Update = new SoftQUpdate(Networks, softQ, gradients, new Rng(seed + 1), batchSize);
    }

    public SoftQNetworks Networks { get; }

    public SoftQUpdate Update { get; }

    /// <summary>Writes the networks, Adam states and generator, and <c>counters</c> = the learner's four then <paramref name="ownerCounters"/>.</summary>
    public void Write(SafetensorsWriter writer, ReadOnlySpan<long> ownerCounters)
    {
        foreach ((string name, float[] values) in Tensors()) writer.Add(name, values);
        long[] counters = new long[LearnerCounters + ownerCounters.Length];
        (counters[0], counters[1], counters[2], counters[3]) = (Update.QOptimizer.Step, Update.PolicyOptimizer.Step, Update.Updates, Update.SkippedUpdates);
        ownerCounters.CopyTo(counters.AsSpan(LearnerCounters));
        writer.Add("counters", counters);
        writer.Add("rng_update", RngWords.From(Update.RandomState));
    }

    /// <summary>Restores what <see cref="Write"/> wrote; returns the owner's counters (<paramref name="ownerCounters"/> of them).</summary>
    public long[] Read(SafetensorsFile file, int ownerCounters)
    {
        foreach ((string name, float[] values) in Tensors()) file.ReadFloat32(name, values);
        long[] counters = new long[LearnerCounters + ownerCounters];
        file.ReadInt64("counters", counters);
        (Update.QOptimizer.Step, Update.PolicyOptimizer.Step, Update.Updates, Update.SkippedUpdates) = (counters[0], counters[1], counters[2], counters[3]);
        Update.RandomState = RngWords.Read(file, "rng_update");
        return counters[LearnerCounters..];
    }

    public void Dispose() => Update.Dispose();

    /// <summary>The float state under its checkpoint names; one list serves both save and restore.</summary>
    private (string Name, float[] Values)[] Tensors() =>
    [
        ("q", Networks.Q.Parameters),
        ("target_q", Networks.TargetQ.Parameters),
        ("policy", Networks.Policy.Parameters),
        ("adam_q_m", Update.QOptimizer.FirstMoment),
        ("adam_q_v", Update.QOptimizer.SecondMoment),
        ("adam_policy_m", Update.PolicyOptimizer.FirstMoment),
        ("adam_policy_v", Update.PolicyOptimizer.SecondMoment),
    ];
}
