namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// Reverb's sample-to-insert rate limiter. Sampling waits until the table holds <see cref="MinSizeToSample"/>
/// rows. With a ratio set, <c>diff = inserts × SamplesPerInsert − samples</c> is kept within
/// <c>offset ± ErrorBuffer</c>, where <c>offset = SamplesPerInsert × MinSizeToSample</c>: inserts wait when they
/// would run too far ahead of sampling, samples wait when they would run too far ahead of inserting.
/// </summary>
/// <param name="MinSizeToSample">Rows the table must hold before any sample is served.</param>
/// <param name="SamplesPerInsert">Target sampled transitions per inserted one; null leaves the ratio free.</param>
/// <param name="ErrorBuffer">How far (in sampled transitions) the ratio may drift either way.</param>
public sealed record RateLimiterSettings(int MinSizeToSample = 1, double? SamplesPerInsert = null, double ErrorBuffer = 0)
{
    /// <summary>Throws with a clear message when the settings cannot work.</summary>
    public void Validate()
    {
        if (MinSizeToSample < 1) throw new ArgumentException($"min size to sample must be at least 1, not {MinSizeToSample}");
        if (SamplesPerInsert is { } spi)
        {
            if (!(spi > 0) || double.IsInfinity(spi)) throw new ArgumentException($"samples per insert must be positive and finite, not {spi}");
            // Each batch is admitted by its first row, so a window narrower than one insert plus one sample could deadlock.
            if (!(2 * ErrorBuffer >= spi + 1))
                throw new ArgumentException($"error buffer {ErrorBuffer} is too small for samples per insert {spi}: need 2 × error buffer ≥ samples per insert + 1");
        }
    }
}
