using SoftQDistributed.Learner;
using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Tests;

public sealed class UpdateRandomnessTests
{
    private const int Act = 3, Kv = 4, KFixed = 3, KUpdated = 2, States = 7;

    [Fact]
    public void States_prepared_in_any_pieces_get_the_draws_of_one_generator_in_state_order()
    {
        // The order the update has always drawn in: K_v actions, then per state its fixed particles' ξ and its updated ones'.
        var reference = new Rng(3);
        float[] kvActions = new float[Kv * Act], fixedNoise = new float[States * KFixed * Act], updatedNoise = new float[States * KUpdated * Act];
        reference.FillUniform(kvActions, -1f, 1f);
        for (int s = 0; s < States; s++)
        {
            reference.FillGaussian(fixedNoise.AsSpan(s * KFixed * Act, KFixed * Act));
            reference.FillGaussian(updatedNoise.AsSpan(s * KUpdated * Act, KUpdated * Act));
        }

        var rng = new Rng(3);
        var randomness = new UpdateRandomness(Act, Kv, KFixed, KUpdated, deterministicPolicy: false, maxStates: 8);
        randomness.Draw(rng, States);
        randomness.Prepare(4, 3);
        randomness.Prepare(0, 1);
        randomness.Prepare(1, 3);

        for (int s = 0; s < States; s++) Assert.Equal(kvActions, randomness.ValueActions.AsSpan(s * Kv * Act, Kv * Act).ToArray());
        Assert.Equal(fixedNoise, randomness.FixedNoise.AsSpan(0, fixedNoise.Length).ToArray());
        Assert.Equal(updatedNoise, randomness.UpdatedNoise.AsSpan(0, updatedNoise.Length).ToArray());
        Assert.Equal(reference.NextGaussian(), rng.NextGaussian()); // the generator ends where the serial draws left it
    }

    [Fact]
    public void The_collapsed_sampler_gets_zero_noise_and_draws_none()
    {
        var rng = new Rng(4);
        var randomness = new UpdateRandomness(Act, Kv, KFixed, KUpdated, deterministicPolicy: true, maxStates: States);
        randomness.FixedNoise.AsSpan().Fill(1f);
        randomness.Draw(rng, States);
        randomness.Prepare(0, States);
        Assert.All(randomness.FixedNoise, xi => Assert.Equal(0f, xi));
        Assert.All(randomness.UpdatedNoise, xi => Assert.Equal(0f, xi));
        var reference = new Rng(4);
        reference.FillUniform(new float[Kv * Act], -1f, 1f);
        Assert.Equal(reference.NextUInt64(), rng.NextUInt64());
    }

    [Fact]
    public void States_outside_the_draw_are_refused()
    {
        var randomness = new UpdateRandomness(Act, Kv, KFixed, KUpdated, deterministicPolicy: false, maxStates: States);
        randomness.Draw(new Rng(1), 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => randomness.Prepare(3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => randomness.Draw(new Rng(1), States + 1));
    }
}
