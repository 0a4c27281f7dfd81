using Paraphe.Data;
using Paraphe.Data.Records;

namespace Paraphe.Web.Features.Sessions;

/// <summary>Adds a row to `security_events` (saved with the caller's change): who, what, from where, when.</summary>
public static class SecurityJournal
{
    public static SecurityEvent Record(ParapheDbContext db, string kind, HttpContext? http, string? agencyId, string? userId,
        string? email, string? detail = null)
    {
        var e = new SecurityEvent
        {
            Kind = kind, AgencyId = agencyId, UserId = userId, Email = Cut(email, 320), At = db.UtcNow,
            Ip = ClientAddress(http), Client = Platform.Http.ClientPartition.Known(http),
            UserAgent = Cut(http?.Request.Headers.UserAgent.ToString(), 400), Detail = Cut(detail, 400),
        };
        db.SecurityEvents.Add(e);
        return e;
    }

    /// <summary>The client's address as the connection says (the forwarded-headers middleware sets it behind a proxy).</summary>
    public static string? ClientAddress(HttpContext? http) =>
        http?.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null;

    /// <summary>At most <paramref name="max"/> characters, control characters (U+0000 included) replaced.</summary>
    private static string? Cut(string? s, int max)
    {
        if (string.IsNullOrEmpty(s)) return null;
        var cut = s.Length <= max ? s : s[..max];
        return string.Create(cut.Length, cut, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++) span[i] = char.IsControl(source[i]) ? '?' : source[i];
        });
    }
}
