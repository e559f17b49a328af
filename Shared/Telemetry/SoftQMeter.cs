using System.Diagnostics.Metrics;

namespace SoftQDistributed.Shared.Telemetry;

/// <summary>
/// The meter every role records on. Process-wide instruments (RPC calls) live on <see cref="Shared"/>; a component
/// whose instruments read one object (a shard's table) makes its own <c>new Meter(SoftQMeter.Name)</c> and
/// disposes it with that object, so its instruments go away with it.
/// </summary>
public static class SoftQMeter
{
    public const string Name = "SoftQDistributed";

    /// <summary>The meter of the .NET runtime's own instruments (GC, JIT, thread pool, CPU), .NET 9 and later.</summary>
    public const string RuntimeName = "System.Runtime";

    public static Meter Shared { get; } = new(Name);
}
