using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Replay;
using TorchSharp;

namespace SoftQDistributed.Torch.Tests;

/// <summary>Native memory stays flat: every tensor a step makes is disposed by the step's scope.</summary>
public sealed class TorchMemoryTests
{
    [Fact]
    public void Live_tensor_count_stays_flat_over_many_updates()
    {
        using var pair = new BackendPair();
        TransitionBatch batch = BackendPair.RandomBatch(new Rng(6));
        for (int i = 0; i < 5; i++) pair.Torch.Update(batch);
        long live = torch.Tensor.TotalCount;
        for (int i = 0; i < 300; i++) pair.Torch.Update(batch);
        Assert.Equal(live, torch.Tensor.TotalCount);
    }
}
