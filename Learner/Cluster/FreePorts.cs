using System.Net;
using System.Net.Sockets;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// Free TCP ports picked up front: each is bound on the host with port 0, read and released. All listeners stay
/// open until every port is read, so the ports are distinct. A child keeps its ports across restarts, so the
/// addresses in cluster.json and in the other children's command lines stay valid.
/// </summary>
public static class FreePorts
{
    public static int[] Take(int count, string host = "127.0.0.1")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        IPAddress address = IPAddress.Parse(host);
        var listeners = new List<TcpListener>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(address, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (TcpListener listener in listeners) listener.Stop();
        }
    }
}
