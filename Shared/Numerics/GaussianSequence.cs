namespace SoftQDistributed.Shared.Numerics;

/// <summary>
/// The next <c>count</c> normals of an <see cref="Rng"/>, drawn in two steps so that the costly part can be split
/// across threads: <see cref="Draw"/> steps the generator (cheap, and it must be one thread), <see cref="Fill"/> turns
/// any range of the sequence into normals (a log, a square root and a sine and cosine per pair) on any thread. Every
/// value has the bits <see cref="Rng.FillGaussian"/> over the whole sequence would give, and the generator is left as
/// that call leaves it, so splitting changes no result.
/// </summary>
public sealed class GaussianSequence
{
    private double[] _uniforms = [];  // u1, u2 of each Box–Muller pair, in order
    private double _leading;          // the generator's cached normal, the sequence's first value when present
    private int _offset;              // 1 when it is present

    /// <summary>Values in the sequence drawn last.</summary>
    public int Count { get; private set; }

    /// <summary>Draws what the next <paramref name="count"/> normals of <paramref name="rng"/> need, on the calling thread.</summary>
    public void Draw(Rng rng, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        _offset = count > 0 && rng.TryTakeSpareGaussian(out _leading) ? 1 : 0;
        int rest = count - _offset, pairs = (rest + 1) / 2;
        if (_uniforms.Length < 2 * pairs) _uniforms = new double[2 * pairs];
        for (int p = 0; p < pairs; p++)
        {
            _uniforms[2 * p] = 1.0 - rng.NextDouble(); // (0, 1], as Rng.NextGaussian
            _uniforms[2 * p + 1] = rng.NextDouble();
        }
        // An odd count leaves the last pair's second normal cached in the generator, as FillGaussian would.
        if (rest % 2 == 1) rng.SetSpareGaussian(Rng.BoxMuller(_uniforms[2 * pairs - 2], _uniforms[2 * pairs - 1]).Second);
    }

    /// <summary>Values [<paramref name="first"/>, first + destination.Length) of the sequence. Safe to call from several threads at once.</summary>
    public void Fill(int first, Span<float> destination)
    {
        if (first < 0 || destination.Length > Count - first)
            throw new ArgumentOutOfRangeException(nameof(first), $"values {first}..{first + destination.Length} lie outside the {Count} drawn");
        int i = 0;
        if (first < _offset && destination.Length > 0) destination[i++] = (float)_leading;
        while (i < destination.Length)
        {
            int index = first + i - _offset, pair = index >> 1;
            (double a, double b) = Rng.BoxMuller(_uniforms[2 * pair], _uniforms[2 * pair + 1]);
            if ((index & 1) == 0)
            {
                destination[i++] = (float)a;
                if (i < destination.Length) destination[i++] = (float)b;
            }
            else destination[i++] = (float)b;
        }
    }
}
