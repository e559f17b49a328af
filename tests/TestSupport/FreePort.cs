using System.Net;
using System.Net.Sockets;

namespace SoftQDistributed.TestSupport;

/// <summary>A TCP port on 127.0.0.1 that was free a moment ago (bound with port 0, read and released).</summary>
internal static class FreePort
{
    public static int Take()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
