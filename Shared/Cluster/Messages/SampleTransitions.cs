using MessagePack;

namespace SoftQDistributed.Shared.Cluster.Messages;

/// <summary>Learner → replay shard: draw <see cref="Count"/> transitions uniformly with replacement; answered by <see cref="SampledTransitions"/>.</summary>
[MessagePackObject]
public sealed class SampleTransitions : IClusterMessage
{
    [Key(0)] public int Count { get; set; }

    public string? Invalid() => Count is < 1 or > MaxCount ? "bad_sample_size" : null;

    /// <summary>The most rows one request may ask for.</summary>
    public const int MaxCount = 65_536;
}
