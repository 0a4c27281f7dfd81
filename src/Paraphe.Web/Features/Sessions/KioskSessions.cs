using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Sessions;

/// <summary>
/// Face to face on the agency's tablet is a kiosk: opening it locks the agent's session (server side, on the session
/// row) to that procedure's page, so the client holding the tablet reaches nothing else of the agency, whatever URL
/// they type. The agent leaves by typing their own password again; <see cref="MaxUnlockFailures"/> wrong passwords end
/// the session (a new login is then needed, throttled as every login). Every step is in the security journal.
/// </summary>
public static class KioskSessions
{
    /// <summary>HttpContext item: the procedure the current session is locked to (set by <see cref="AgentSessions.ValidateAsync"/>).</summary>
    public const string ItemKey = "paraphe:kiosk";
    public const int MaxUnlockFailures = 5;

    public enum Outcome { Unlocked, WrongPassword, SessionEnded }

    public sealed record UnlockResult(Outcome Outcome, int TriesLeft);

    /// <summary>The procedure this request's session is locked to, if any.</summary>
    public static string? LockedTo(HttpContext http) => http.Items[ItemKey] as string;

    public static async Task LockAsync(ParapheDbContext db, HttpContext http, string procedureId, CancellationToken ct)
    {
        var session = await CurrentAsync(db, http.User, ct);
        if (session is null || session.KioskProcedureId == procedureId) return;
        session.KioskProcedureId = procedureId;
        session.KioskUnlockFailures = 0;
        SecurityJournal.Record(db, SecurityEventKinds.KioskLocked, http, session.AgencyId, session.UserId, null, procedureId);
        await db.SaveChangesAsync(ct);
        http.Items[ItemKey] = procedureId;
    }

    public static async Task<UnlockResult> UnlockAsync(ParapheDbContext db, HttpContext http, string? password, CancellationToken ct)
    {
        var session = await CurrentAsync(db, http.User, ct);
        if (session is null) return new(Outcome.SessionEnded, 0);
        if (session.KioskProcedureId is null) return new(Outcome.Unlocked, MaxUnlockFailures);
        var user = await db.Users.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(u => u.Id == session.UserId, ct);
        if (user is not null && !string.IsNullOrEmpty(password) && Passwords.Verify(user, password))
        {
            SecurityJournal.Record(db, SecurityEventKinds.KioskUnlocked, http, session.AgencyId, session.UserId, null, session.KioskProcedureId);
            session.KioskProcedureId = null;
            session.KioskUnlockFailures = 0;
            await db.SaveChangesAsync(ct);
            http.Items[ItemKey] = null;
            return new(Outcome.Unlocked, MaxUnlockFailures);
        }

        session.KioskUnlockFailures++;
        var left = Math.Max(0, MaxUnlockFailures - session.KioskUnlockFailures);
        SecurityJournal.Record(db, SecurityEventKinds.KioskUnlockFailed, http, session.AgencyId, session.UserId, null,
            left.ToString(CultureInfo.InvariantCulture));
        if (left > 0)
        {
            await db.SaveChangesAsync(ct);
            return new(Outcome.WrongPassword, left);
        }
        session.RevokedAt = db.UtcNow;
        session.RevokedReason = "kiosk_unlock_failed";
        SecurityJournal.Record(db, SecurityEventKinds.SessionRevoked, http, session.AgencyId, session.UserId, null, "kiosk_unlock_failed");
        await db.SaveChangesAsync(ct);
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return new(Outcome.SessionEnded, 0);
    }

    private static async Task<AgentSession?> CurrentAsync(ParapheDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var id = user.FindFirstValue(AgentSessions.SessionClaim);
        if (id is null) return null;
        var hash = ApiKeys.Hash(id);
        return await db.AgentSessions.FirstOrDefaultAsync(s => s.Id == hash && s.RevokedAt == null, ct);
    }
}
