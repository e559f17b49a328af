using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Tests.Numerics;

public sealed class MlpParametersTests
{
    private static readonly MlpShape Shape = new(3, 2, [16, 8], 2, true);

    [Fact]
    public void Xavier_weights_lie_within_their_limits_and_biases_start_at_zero()
    {
        var net = new Mlp(Shape);
        net.InitializeXavier(new Rng(1));
        float firstObsLimit = MathF.Sqrt(6f / (3 + 16)), secondLimit = MathF.Sqrt(6f / (16 + 8));
        Assert.All(net.Parameters.AsSpan(0, 3 * 16).ToArray(), w => Assert.InRange(MathF.Abs(w), 0f, firstObsLimit));
        Assert.All(net.Parameters.AsSpan(net.WeightOffset(1), 16 * 8).ToArray(), w => Assert.InRange(MathF.Abs(w), 0f, secondLimit));
        for (int layer = 0; layer < Shape.LayerCount; layer++)
            Assert.All(net.Parameters.AsSpan(net.BiasOffset(layer), Shape.LayerWidth(layer)).ToArray(), b => Assert.Equal(0f, b));
        Assert.Equal((3 + 2) * 16 + 16 + 16 * 8 + 8 + 8 * 2 + 2, net.ParameterCount);
    }

    [Fact]
    public void Flatten_then_unflatten_restores_every_parameter()
    {
        var source = new Mlp(Shape);
        source.InitializeXavier(new Rng(2));
        float[] flat = new float[source.ParameterCount];
        source.Flatten(flat);
        var copy = new Mlp(Shape);
        copy.Unflatten(flat);
        Assert.Equal(source.Parameters, copy.Parameters);
        var error = Assert.Throws<ArgumentException>(() => copy.Unflatten(new float[3]));
        Assert.Contains("parameter vector has 3 values", error.Message);
    }

    [Fact]
    public void Hard_copy_and_Polyak_update_move_the_target_as_specified()
    {
        var online = new Mlp(Shape);
        online.InitializeXavier(new Rng(3));
        var target = new Mlp(Shape);
        target.InitializeXavier(new Rng(4));
        float[] before = (float[])target.Parameters.Clone();
        target.PolyakUpdateFrom(online, 0.25f);
        for (int i = 0; i < before.Length; i++)
            Assert.Equal(0.75f * before[i] + 0.25f * online.Parameters[i], target.Parameters[i], 1e-6f);
        target.CopyFrom(online);
        Assert.Equal(online.Parameters, target.Parameters);
        Assert.Throws<ArgumentException>(() => target.CopyFrom(new Mlp(Shape with { Hidden = [16, 9] })));
    }
}
