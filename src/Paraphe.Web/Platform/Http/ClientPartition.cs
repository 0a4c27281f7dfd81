using System.Net;

namespace Paraphe.Web.Platform.Http;

/// <summary>
/// The key a per-client limit counts under. An IPv4 address is one client; an IPv6 client gets a whole /64 (every home
/// line and most servers get at least that much and can pick any address in it at will), so the key is its /64 prefix —
/// else each new address would be a fresh budget, and a fresh limiter in memory.
/// </summary>
public static class ClientPartition
{
    public static string Of(HttpContext http) => Of(http.Connection.RemoteIpAddress);

    /// <summary>The client's key, or null when the connection has no address (nothing to count a client by).</summary>
    public static string? Known(HttpContext? http) =>
        http?.Connection.RemoteIpAddress is { } address ? Of(address) : null;

    public static string Of(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes).ToString() + "/64";
    }
}
