using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Tests.Numerics;

public sealed class ParallelPartitionsTests
{
    [Fact]
    public void Every_partition_runs_once_per_call()
    {
        using var parallel = new ParallelPartitions(3);
        int[] counts = new int[3];
        for (int call = 0; call < 50; call++) parallel.Run(part => Interlocked.Increment(ref counts[part]));
        Assert.Equal(new[] { 50, 50, 50 }, counts);
    }

    [Fact]
    public void A_failure_in_a_helper_thread_reaches_the_caller()
    {
        using var parallel = new ParallelPartitions(2);
        var error = Assert.Throws<AggregateException>(() => parallel.Run(part =>
        {
            if (part == 1) throw new InvalidOperationException("boom");
        }));
        Assert.IsType<InvalidOperationException>(error.InnerException);
        parallel.Run(_ => { }); // still usable afterwards
    }
}
