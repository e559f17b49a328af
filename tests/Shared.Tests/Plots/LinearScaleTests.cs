using SoftQDistributed.Shared.Plots;

namespace SoftQDistributed.Shared.Tests.Plots;

public sealed class LinearScaleTests
{
    [Fact]
    public void Maps_the_domain_onto_a_reversed_range()
    {
        var y = new LinearScale(-10, 10, 400, 0);
        Assert.Equal(400, y.Map(-10));
        Assert.Equal(200, y.Map(0));
        Assert.Equal(0, y.Map(10));
    }

    [Fact]
    public void Ticks_are_one_two_or_five_times_a_power_of_ten()
    {
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], LinearScale.NiceTicks(0, 1, 5), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal([-1000, -500, 0], LinearScale.NiceTicks(-1234, 99, 4));
        Assert.Equal([5000, 10000, 15000, 20000, 25000, 30000], LinearScale.NiceTicks(750, 30000, 6));
        Assert.Equal([0, 5, 10, 15, 20, 25], LinearScale.NiceTicks(0, 28, 6));
    }

    [Fact]
    public void Nice_bounds_widen_to_a_tick_and_survive_a_flat_interval()
    {
        Assert.Equal((-350.0, 50.0), LinearScale.NiceBounds(-341, 21));
        (double min, double max) = LinearScale.NiceBounds(3, 3);
        Assert.True(min < 3 && max > 3);
    }

    [Theory]
    [InlineData(25000, 5000, "25k")]
    [InlineData(5000, 5000, "5000")]
    [InlineData(0.5, 0.5, "0.5")]
    [InlineData(-2.5, 0.1, "-2.5")]
    [InlineData(0.25, 0.05, "0.25")]
    [InlineData(-150, 50, "-150")]
    public void Tick_labels_use_as_many_decimals_as_the_step(double value, double step, string expected)
    {
        Assert.Equal(expected, LinearScale.FormatTick(value, step));
    }

    [Theory]
    [InlineData(-200.0)]
    [InlineData(-1234.567)]
    [InlineData(0.1)]
    [InlineData(3.3)]
    public void Spans_of_a_few_ulps_give_a_few_ticks_and_padded_bounds(double value)
    {
        double next = Math.BitIncrement(Math.BitIncrement(value));
        Assert.InRange(LinearScale.NiceTicks(value, next).Length, 1, 25);
        (double min, double max) = LinearScale.NiceBounds(value, next);
        Assert.True(min < value && max > next, $"bounds ({min}, {max}) should be widened around {value}");
        Assert.InRange(LinearScale.NiceTicks(min, max).Length, 2, 25);
    }
}
