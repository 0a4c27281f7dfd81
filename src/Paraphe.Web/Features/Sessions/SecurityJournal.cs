using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;

namespace Paraphe.Web.Features.Sessions;

/// <summary>Adds a row to `security_events` (saved with the caller's change): who, what, from where, when.</summary>
public static class SecurityJournal
{
    public static SecurityEvent Record(ParapheDbContext db, string kind, HttpContext? http, string? agencyId, string? userId,
        string? email, string? detail = null)
    {
        var e = new SecurityEvent
        {
            Kind = kind, AgencyId = agencyId, UserId = userId, Email = TextInput.Clean(email, 320), At = db.UtcNow,
            Ip = ClientAddress(http), Client = Platform.Http.ClientPartition.Known(http),
            UserAgent = TextInput.Clean(http?.Request.Headers.UserAgent.ToString(), 400), Detail = TextInput.Clean(detail, 400),
        };
        db.SecurityEvents.Add(e);
        return e;
    }

    /// <summary>The client's address as the connection says (the forwarded-headers middleware sets it behind a proxy).</summary>
    public static string? ClientAddress(HttpContext? http) =>
        http?.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null;

}
