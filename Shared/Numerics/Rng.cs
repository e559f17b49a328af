namespace SoftQDistributed.Shared.Numerics;

/// <summary>
/// Seeded xoshiro256** generator: fast, reproducible on every platform, and its whole state
/// (four words) can be saved in a checkpoint and restored for exact resume.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    public Rng(ulong seed)
    {
        // SplitMix64 expands the seed so that nearby seeds give unrelated streams.
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>The generator's complete state, for checkpoints.</summary>
    public RngState State
    {
        get => new(_s0, _s1, _s2, _s3, _hasSpare ? _spareGaussian : double.NaN);
        set
        {
            (_s0, _s1, _s2, _s3) = (value.S0, value.S1, value.S2, value.S3);
            _hasSpare = !double.IsNaN(value.SpareGaussian);
            _spareGaussian = _hasSpare ? value.SpareGaussian : 0;
        }
    }

    public ulong NextUInt64()
    {
        ulong result = BitRotate(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitRotate(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform in [low, high).</summary>
    public float NextFloat(float low, float high) => low + (high - low) * NextFloat();

    /// <summary>Uniform integer in [0, maxExclusive), without modulo bias (Lemire's method).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), "must be positive");
        ulong bound = (ulong)maxExclusive;
        UInt128 product = (UInt128)NextUInt64() * bound;
        ulong low = (ulong)product;
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                product = (UInt128)NextUInt64() * bound;
                low = (ulong)product;
            }
        }
        return (int)(product >> 64);
    }

    /// <summary>Standard normal sample (Box–Muller, both values used).</summary>
    public double NextGaussian()
    {
        if (TryTakeSpareGaussian(out double spare)) return spare;
        double u1 = 1.0 - NextDouble(); // (0, 1]: keeps the log finite
        double u2 = NextDouble();
        (double first, double second) = BoxMuller(u1, u2);
        SetSpareGaussian(second);
        return first;
    }

    /// <summary>The two normals of one Box–Muller pair, u1 in (0, 1], u2 in [0, 1).</summary>
    internal static (double First, double Second) BoxMuller(double u1, double u2)
    {
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        (double sin, double cos) = Math.SinCos(2.0 * Math.PI * u2);
        return (radius * cos, radius * sin);
    }

    /// <summary>Hands over the cached second normal of the last pair, if there is one.</summary>
    internal bool TryTakeSpareGaussian(out double spare)
    {
        spare = _spareGaussian;
        bool had = _hasSpare;
        _hasSpare = false;
        return had;
    }

    internal void SetSpareGaussian(double spare)
    {
        _spareGaussian = spare;
        _hasSpare = true;
    }

    /// <summary>Fills with standard normal samples.</summary>
    public void FillGaussian(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)NextGaussian();
    }

    /// <summary>Fills with uniform samples in [low, high).</summary>
    public void FillUniform(Span<float> destination, float low, float high)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = NextFloat(low, high);
    }

    private static ulong BitRotate(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>A saved <see cref="Rng"/> state; <c>SpareGaussian</c> is NaN when no spare normal is cached.</summary>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3, double SpareGaussian);
