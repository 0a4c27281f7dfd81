using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain.Agencies;
using Paraphe.Web.Features.Sessions;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// A director deactivates a user: no more login, every open session ends at once (each copy of each cookie, on every
/// instance), unused set-password links stop working — one save with the journal rows. Never the last active director.
/// </summary>
public static class DeactivateUser
{
    public static async Task<User> HandleAsync(ParapheDbContext db, HttpContext http, ClaimsPrincipal actor, string id, CancellationToken ct)
    {
        var user = await UpdateUser.FindAsync(db, id, ct);
        if (!user.IsActive) return user;
        if (user.Role == UserRole.Director) await UpdateUser.EnsureAnotherDirectorAsync(db, user, ct);
        var now = db.UtcNow;
        user.Deactivate(now);
        var ended = await AgentSessions.EndAllAsync(db, user.Id, "deactivated", http, ct);
        await AccountTokens.RevokeOpenAsync(db, user.Id, kind: null, now, ct);
        AgencyJournal.Record(db, JournalKind.UserDeactivated, http, user.AgencyId, actor, user.Email,
            $"{user.DisplayName} — {ended} session(s) fermée(s)");
        await db.SaveChangesAsync(ct);
        return user;
    }
}
