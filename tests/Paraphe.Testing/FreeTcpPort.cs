using System.Net;
using System.Net.Sockets;

namespace Paraphe.Testing;

public static class FreeTcpPort
{
    /// <summary>
    /// A loopback port the OS just handed out and released. Another process can still take it before you bind it:
    /// callers that start a server on it should retry with a new port on "address in use".
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
