using System.Net;
using System.Net.Sockets;
using SoftQDistributed.Learner.Cluster;

namespace SoftQDistributed.Cluster.Tests;

public sealed class FreePortsTests
{
    [Fact]
    public void Ports_taken_together_are_distinct_and_free_to_bind()
    {
        int[] ports = FreePorts.Take(16);

        Assert.Equal(16, ports.Distinct().Count());
        foreach (int port in ports)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
    }

    [Fact]
    public void Restart_backoff_doubles_from_one_second_to_thirty_and_resets_after_a_stable_run()
    {
        var backoff = new RestartBackoff();
        double[] delays = [.. Enumerable.Range(0, 7).Select(_ => backoff.Next(TimeSpan.FromSeconds(1)).TotalSeconds)];

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], delays);
        Assert.Equal(1, backoff.Next(TimeSpan.FromMinutes(5)).TotalSeconds);
    }
}
