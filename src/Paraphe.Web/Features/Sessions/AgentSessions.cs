using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Sessions;

/// <summary>
/// Server-side sessions of the agents: the cookie carries a random session id, the database keeps its hash. Every
/// request checks the row (<see cref="ValidateAsync"/>), so a logout, a password change or an expiry ends the session
/// for every copy of the cookie and on every instance.
/// </summary>
public static class AgentSessions
{
    public const string SessionClaim = "paraphe:session";

    /// <summary>How often, at most, <see cref="AgentSession.LastSeenAt"/> is written.</summary>
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    /// <summary>Adds a new session row (saved with the caller's change); returns the id for the cookie.</summary>
    public static string Start(ParapheDbContext db, LoginOptions options, string agencyId, string userId, HttpContext http)
    {
        var id = ApiKeys.Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = db.UtcNow;
        db.AgentSessions.Add(new AgentSession
        {
            Id = ApiKeys.Hash(id), AgencyId = agencyId, UserId = userId, CreatedAt = now, LastSeenAt = now,
            ExpiresAt = now + options.SessionLifetime, Ip = SecurityJournal.ClientAddress(http),
            UserAgent = TextInput.Clean(http.Request.Headers.UserAgent.ToString(), 400),
        });
        return id;
    }

    /// <summary>The cookie's `OnValidatePrincipal`: the principal stands only while its session row does.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var db = http.RequestServices.GetRequiredService<ParapheDbContext>();
        var options = http.RequestServices.GetRequiredService<IOptions<LoginOptions>>().Value;
        var id = context.Principal?.FindFirstValue(SessionClaim);
        var userId = context.Principal?.FindFirstValue(ParapheClaims.UserId);
        var hash = id is null ? null : ApiKeys.Hash(id);
        var session = hash is null ? null
            : await db.AgentSessions.FirstOrDefaultAsync(s => s.Id == hash, http.RequestAborted);
        var now = db.UtcNow;
        if (session is null || session.UserId != userId || session.RevokedAt is not null)
        {
            await RejectAsync(context);
            return;
        }
        var ended = now >= session.ExpiresAt ? "expired" : now - session.LastSeenAt >= options.IdleTimeout ? "idle" : null;
        if (ended is not null)
        {
            session.RevokedAt = now;
            session.RevokedReason = ended;
            SecurityJournal.Record(db, SecurityEventKinds.SessionRevoked, http, session.AgencyId, session.UserId, null, ended);
            await db.SaveChangesAsync(http.RequestAborted);
            await RejectAsync(context);
            return;
        }
        http.Items[KioskSessions.ItemKey] = session.KioskProcedureId;
        if (now - session.LastSeenAt >= LastSeenResolution)
        {
            session.LastSeenAt = now;
            await db.SaveChangesAsync(http.RequestAborted);
        }
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>Ends the session of this principal (logout) and journals it; saved by the caller.</summary>
    public static async Task EndAsync(ParapheDbContext db, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var id = user.FindFirstValue(SessionClaim);
        var hash = id is null ? null : ApiKeys.Hash(id);
        var session = hash is null ? null : await db.AgentSessions.FirstOrDefaultAsync(s => s.Id == hash, ct);
        if (session is { RevokedAt: null })
        {
            session.RevokedAt = db.UtcNow;
            session.RevokedReason = "logout";
        }
        SecurityJournal.Record(db, SecurityEventKinds.Logout, http, user.FindFirstValue(ParapheClaims.AgencyId),
            user.FindFirstValue(ParapheClaims.UserId), user.FindFirstValue(ClaimTypes.Email));
    }

    /// <summary>Ends every open session of a user (password change), one journal row each; saved by the caller.</summary>
    public static async Task<int> EndAllAsync(ParapheDbContext db, string userId, string reason, HttpContext? http, CancellationToken ct)
    {
        var now = db.UtcNow;
        var open = await db.AgentSessions.Where(s => s.UserId == userId && s.RevokedAt == null).ToListAsync(ct);
        foreach (var s in open)
        {
            s.RevokedAt = now;
            s.RevokedReason = reason;
            SecurityJournal.Record(db, SecurityEventKinds.SessionRevoked, http, s.AgencyId, s.UserId, null, reason);
        }
        return open.Count;
    }
}
