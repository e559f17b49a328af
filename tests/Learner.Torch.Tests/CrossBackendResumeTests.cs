using SoftQDistributed.Learner;
using SoftQDistributed.Learner.Torch;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Torch.Tests;

/// <summary>
/// A checkpoint written by one backend resumes on the other: the learner's checkpoint (networks, Adam states, counters,
/// generator) through safetensors bytes, and the resumed run tracks the uninterrupted one as two runs from one start do
/// (<see cref="TorchTrackingTests"/>); a state not restored (Adam's moments, the generator) would break that.
/// </summary>
public sealed class CrossBackendResumeTests
{
    private const ulong Seed = 11;

    [Theory]
    [InlineData("managed", "torch")]
    [InlineData("torch", "managed")]
    public void Training_resumes_on_the_other_backend(string first, string second)
    {
        var rng = new Rng(9);
        TransitionBatch[] batches = Enumerable.Range(0, 6).Select(_ => BackendPair.RandomBatch(rng)).ToArray();

        // One run on the first backend, uninterrupted; its checkpoint halfway resumes on the second.
        using LearnerState uninterrupted = State(first), resumed = State(second);
        for (int i = 0; i < 60; i++) uninterrupted.Update.Update(batches[i % batches.Length]);
        var writer = new SafetensorsWriter();
        uninterrupted.Write(writer, [42]);
        Assert.Equal([42L], resumed.Read(SafetensorsFile.Parse(writer.ToBytes(), "checkpoint"), 1));
        Assert.Equal(uninterrupted.Networks.Policy.Parameters, resumed.Networks.Policy.Parameters);
        for (int i = 60; i < 120; i++)
        {
            uninterrupted.Update.Update(batches[i % batches.Length]);
            resumed.Update.Update(batches[i % batches.Length]);
        }

        Assert.Equal(120, resumed.Update.Updates);
        Assert.Equal(120, resumed.Update.QOptimizer.Step);
        Assert.Equal(uninterrupted.Update.RandomState, resumed.Update.RandomState);
        double q = BackendPair.RelativeError(resumed.Networks.Q.Parameters, uninterrupted.Networks.Q.Parameters);
        double policy = BackendPair.RelativeError(resumed.Networks.Policy.Parameters, uninterrupted.Networks.Policy.Parameters);
        Assert.True(q <= TorchTrackingTests.Tracking && policy <= TorchTrackingTests.Tracking,
            $"resumed on {second}: Q {q:E2}, policy {policy:E2} apart from the uninterrupted run on {first}");
    }

    private static LearnerState State(string backend) => new(BackendPair.Obs, BackendPair.Act, BackendPair.Settings, new ManagedGemm(1),
        Seed, BackendPair.Batch, 1, backend == "torch" ? new TorchGradientsFactory() : null);
}
