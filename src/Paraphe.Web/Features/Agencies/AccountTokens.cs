using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// One-time set-password links: issued with the email that carries them (one save), found by the SHA-256 of the token,
/// valid until used, expired, or replaced by a newer link of the same kind.
/// </summary>
public static class AccountTokens
{
    /// <summary>Queues the email and its token row; earlier unused links of the same kind stop working. Saved by the caller.</summary>
    public static async Task<Notification> IssueAsync(ParapheDbContext db, AccountLinks links, User user, string kind, TimeSpan validity,
        CancellationToken ct)
    {
        var now = db.UtcNow;
        await RevokeOpenAsync(db, user.Id, kind, now, ct);
        var purpose = kind == AccountTokenKinds.Invitation ? Purpose.AccountInvitation : Purpose.PasswordReset;
        var n = Notification.QueueForAccount(user.AgencyId, purpose, user.Email, now);
        db.Notifications.Add(n);
        db.AccountTokens.Add(new AccountToken
        {
            Id = Domain.Ids.New("atk"), AgencyId = user.AgencyId, UserId = user.Id, Kind = kind,
            Hash = AccountLinks.Hash(links.TokenFor(n.Id)), NotificationId = n.Id, CreatedAt = now, ExpiresAt = now + validity,
        });
        return n;
    }

    /// <summary>The user's unused links (of one <paramref name="kind"/>, or all) stop working. Saved by the caller.</summary>
    public static async Task RevokeOpenAsync(ParapheDbContext db, string userId, string? kind, DateTime now, CancellationToken ct)
    {
        foreach (var t in await db.AccountTokens.Where(t => t.UserId == userId && t.UsedAt == null && (kind == null || t.Kind == kind)).ToListAsync(ct))
            t.UsedAt = now;
    }

    /// <summary>The usable token row and its user, or null (unknown, used, expired, replaced, user deactivated).</summary>
    public static async Task<(AccountToken Token, User User)?> FindUsableAsync(ParapheDbContext db, string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var hash = AccountLinks.Hash(token);
        var row = await db.AccountTokens.FirstOrDefaultAsync(t => t.Hash == hash, ct);
        if (row is null || row.UsedAt is not null || row.ExpiresAt <= db.UtcNow) return null;
        var user = await db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Id == row.UserId, ct);
        return user is { IsActive: true } ? (row, user) : null;
    }
}
