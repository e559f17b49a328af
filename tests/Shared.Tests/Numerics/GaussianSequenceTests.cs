using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Tests.Numerics;

public sealed class GaussianSequenceTests
{
    [Theory]
    [InlineData(0, 11)] // no spare cached before, an odd count leaves one
    [InlineData(1, 11)] // the cached spare is the sequence's first value
    [InlineData(1, 10)]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    public void Any_split_of_the_fill_gives_FillGaussians_bits_and_leaves_the_generator_as_it_does(int before, int count)
    {
        var expectedRng = new Rng(5);
        var rng = new Rng(5);
        for (int i = 0; i < before; i++) _ = (expectedRng.NextGaussian(), rng.NextGaussian());
        float[] expected = new float[count];
        expectedRng.FillGaussian(expected);

        var sequence = new GaussianSequence();
        sequence.Draw(rng, count);
        for (int split = 0; split <= count; split++)
        {
            float[] actual = new float[count];
            // Back half first: each range stands alone.
            sequence.Fill(split, actual.AsSpan(split));
            sequence.Fill(0, actual.AsSpan(0, split));
            Assert.Equal(expected, actual);
        }
        for (int i = 0; i < 3; i++) Assert.Equal(expectedRng.NextGaussian(), rng.NextGaussian());
    }

    [Fact]
    public void An_empty_draw_keeps_the_cached_spare()
    {
        var rng = new Rng(9);
        var expectedRng = new Rng(9);
        _ = (rng.NextGaussian(), expectedRng.NextGaussian());
        new GaussianSequence().Draw(rng, 0);
        Assert.Equal(expectedRng.NextGaussian(), rng.NextGaussian());
    }

    [Fact]
    public void A_range_outside_the_draw_is_refused()
    {
        var sequence = new GaussianSequence();
        sequence.Draw(new Rng(1), 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => sequence.Fill(3, new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => sequence.Fill(-1, new float[1]));
    }
}
