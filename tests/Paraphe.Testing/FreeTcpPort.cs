using System.Net;
using System.Net.Sockets;

namespace Paraphe.Testing;

public static class FreeTcpPort
{
    // Below Linux's ephemeral range (32768–60999 by default): the kernel never hands these out to an outgoing connection
    // or to a bind on port 0, so between this check and the caller's bind only another explicit bind can take the port.
    // A port the OS handed out for port 0 was taken once in CI by a client connection of a parallel test run.
    private const int First = 20_000, Last = 32_000;

    /// <summary>
    /// A free loopback port, chosen at random below the ephemeral range and checked by binding it once. Another process
    /// can still bind it before you do; that is now as unlikely as two random picks meeting.
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use: try another
            }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
