using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.ReplayService.Tests.Unit;

public sealed class RateLimiterTests
{
    [Fact]
    public void Sampling_waits_for_the_minimum_size_and_says_so()
    {
        var limiter = new RateLimiter(new RateLimiterSettings(MinSizeToSample: 100));
        Assert.Contains("min_size_to_sample 100", limiter.SampleBlockedBy(99));
        Assert.Null(limiter.SampleBlockedBy(100));
        Assert.Null(limiter.InsertBlockedBy(1_000_000)); // no ratio: inserts are never held
    }

    [Fact]
    public void Ratio_window_is_offset_plus_or_minus_the_error_buffer()
    {
        // spi 2, min size 10 → offset 20, window [10, 30] on diff = 2·inserts − samples.
        var limiter = new RateLimiter(new RateLimiterSettings(10, SamplesPerInsert: 2, ErrorBuffer: 10));
        limiter.RecordInserts(15); // diff 30
        Assert.Equal(30, limiter.Diff);
        Assert.Contains("samples_per_insert 2", limiter.InsertBlockedBy(15)); // one more would make 32 > 30
        Assert.Null(limiter.SampleBlockedBy(15));
        limiter.RecordSamples(2); // diff 28: one insert fits again (30)
        Assert.Null(limiter.InsertBlockedBy(15));
        limiter.RecordSamples(18); // diff 10: one more sample would make 9 < 10
        Assert.Equal(10, limiter.Diff);
        Assert.Contains("samples are 1 ahead", limiter.SampleBlockedBy(15));
    }

    [Fact]
    public void Inserts_below_the_minimum_size_are_free_even_with_a_ratio()
    {
        var limiter = new RateLimiter(new RateLimiterSettings(1000, SamplesPerInsert: 1, ErrorBuffer: 1));
        // Offset 1000, window [999, 1001]: nothing sampled yet, so past the minimum only one more insert fits.
        limiter.RecordInserts(1001);
        Assert.Null(limiter.InsertBlockedBy(500));
        Assert.NotNull(limiter.InsertBlockedBy(1001));
    }

    [Fact]
    public void Counts_restored_from_a_snapshot_keep_the_ratio()
    {
        var limiter = new RateLimiter(new RateLimiterSettings(1, SamplesPerInsert: 4, ErrorBuffer: 8));
        limiter.Restore(inserts: 10, samples: 40);
        Assert.Equal(0, limiter.Diff);
    }

    [Theory]
    [InlineData(0, null, 0)]
    [InlineData(1, 0.0, 10)]
    [InlineData(1, 4.0, 2)]
    [InlineData(1, double.PositiveInfinity, 10)]
    public void Unworkable_settings_are_refused(int minSize, double? spi, double errorBuffer)
    {
        Assert.Throws<ArgumentException>(() => new RateLimiter(new RateLimiterSettings(minSize, spi, errorBuffer)));
    }
}
