namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// The arithmetic of <see cref="RateLimiterSettings"/>, with the counts it needs. A batch is admitted when its
/// first row would be (Reverb's per-item rule), so the window is exceeded by at most one batch and a batch
/// larger than the window still gets through. Not thread-safe: <see cref="ReplayTable"/> holds the lock.
/// </summary>
public sealed class RateLimiter
{
    private readonly RateLimiterSettings _settings;
    private readonly double _minDiff;
    private readonly double _maxDiff;

    public RateLimiter(RateLimiterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        double offset = (settings.SamplesPerInsert ?? 0) * settings.MinSizeToSample;
        _minDiff = offset - settings.ErrorBuffer;
        _maxDiff = offset + settings.ErrorBuffer;
    }

    public RateLimiterSettings Settings => _settings;

    /// <summary>Rows inserted, as the ratio counts them.</summary>
    public long Inserts { get; private set; }

    /// <summary>Rows sampled, as the ratio counts them.</summary>
    public long Samples { get; private set; }

    /// <summary>inserts × samples-per-insert − samples; 0 without a ratio.</summary>
    public double Diff => (_settings.SamplesPerInsert ?? 0) * Inserts - Samples;

    /// <summary>Null when an insert may proceed now, else which limit holds it.</summary>
    public string? InsertBlockedBy(int size)
    {
        if (_settings.SamplesPerInsert is not { } spi) return null;
        if (size + 1 <= _settings.MinSizeToSample) return null; // filling up to the minimum is always allowed
        double diff = (Inserts + 1) * spi - Samples;
        return diff <= _maxDiff
            ? null
            : $"samples_per_insert {spi} with error_buffer {_settings.ErrorBuffer}: inserts are {diff - _maxDiff:0.##} sampled transitions ahead of the allowed window (inserted {Inserts}, sampled {Samples})";
    }

    /// <summary>Null when a sample may proceed now, else which limit holds it.</summary>
    public string? SampleBlockedBy(int size)
    {
        if (size < _settings.MinSizeToSample)
            return $"min_size_to_sample {_settings.MinSizeToSample}: the table holds {size}";
        if (_settings.SamplesPerInsert is not { } spi) return null;
        double diff = Inserts * spi - (Samples + 1);
        return diff >= _minDiff
            ? null
            : $"samples_per_insert {spi} with error_buffer {_settings.ErrorBuffer}: samples are {_minDiff - diff:0.##} ahead of the allowed window (inserted {Inserts}, sampled {Samples})";
    }

    public void RecordInserts(int rows) => Inserts += rows;

    public void RecordSamples(int rows) => Samples += rows;

    /// <summary>Puts back counts saved with a snapshot, so the ratio survives a restart.</summary>
    public void Restore(long inserts, long samples)
    {
        if (inserts < 0 || samples < 0) throw new ArgumentOutOfRangeException(nameof(inserts), "counts must not be negative");
        Inserts = inserts;
        Samples = samples;
    }
}
