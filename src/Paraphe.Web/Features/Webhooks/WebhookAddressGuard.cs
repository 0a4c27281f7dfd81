using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>Why a delivery did not connect: every address of the endpoint's host is private (SSRF guard).</summary>
public sealed class WebhookAddressRefusedException(string host)
    : HttpRequestException($"Adresse refusée : {host} désigne une adresse privée, locale ou réservée.");

/// <summary>
/// Never a request to a private, loopback, link-local, unique-local, multicast, unspecified or reserved address (IPv4-mapped
/// ones included), unless `Paraphe:Webhooks:AllowPrivateAddresses`. Checked on the address actually connected to: the
/// webhook client's <c>ConnectCallback</c> resolves the name itself, filters the answers and connects to an allowed one,
/// so a name that answers a public address to a first lookup and 127.0.0.1 to the next (DNS rebinding) gets nowhere.
/// </summary>
public sealed class WebhookAddressGuard(IOptionsMonitor<WebhookOptions> options)
{
    /// <summary>Name resolution; tests replace it to make a name point at loopback.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>> Resolve { get; set; } = Dns.GetHostAddressesAsync;

    public bool AllowsPrivate => options.CurrentValue.AllowPrivateAddresses;

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Resolve(host, ct);
        var allowed = AllowsPrivate ? addresses : addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0) throw new WebhookAddressRefusedException(host);
        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new HttpRequestException($"Connexion impossible à {host}:{port}.", last);
    }

    /// <summary>A globally routable unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 // this network, private, loopback, multicast and reserved
                     || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) // shared address space (CGNAT)
                     || (b[0] == 169 && b[1] == 254) // link-local (cloud metadata)
                     || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                     || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 192 && b[1] == 0 && b[2] == 0) // IETF protocol assignments
                     || (b[0] == 192 && b[1] == 0 && b[2] == 2) || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                     || (b[0] == 203 && b[1] == 0 && b[2] == 113) // documentation
                     || (b[0] == 198 && (b[1] == 18 || b[1] == 19))); // benchmarking
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)) return false;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal) return false;
        var v6 = address.GetAddressBytes();
        if (v6.Take(12).All(x => x == 0)) return false; // IPv4-compatible (deprecated), ::, ::1
        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8) return false; // documentation
        if (v6[0] == 0x20 && v6[1] == 0x02) return IsPublic(new IPAddress(v6[2..6])); // 6to4 carries an IPv4 address
        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b) return IsPublic(new IPAddress(v6[12..16])); // NAT64
        return (v6[0] & 0xe0) == 0x20; // global unicast 2000::/3
    }
}
