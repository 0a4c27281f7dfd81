using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Outbox;

/// <summary>
/// How a dispatcher takes messages so that two instances never both win one. PostgreSQL: the due rows of one channel
/// are locked with `FOR UPDATE SKIP LOCKED` in a transaction that marks them `sending` — another instance's claim
/// skips them and takes the next ones instead of waiting or colliding. SQLite (one writer): the claim is a conditional
/// update on each row's concurrency token (`UpdatedAt`); the loser matches no row and takes nothing this pass.
/// A claimed message is sent only after <see cref="RenewAsync"/> has extended its lease, checking that the claim is
/// still this instance's (same attempt, still `sending`).
/// </summary>
internal static class OutboxClaims
{
    /// <summary>What one claim took: the message (as claimed, detached), the attempt number that proves the claim is ours, and when.</summary>
    public sealed record Claim(Notification Notification, int Attempt, DateTime At);

    public static async Task<List<Claim>> ClaimAsync(ParapheDbContext db, Channel channel, int limit, TimeSpan lease,
        DateTime now, CancellationToken ct)
    {
        List<Notification> due;
        if (db.Database.IsNpgsql())
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var name = channel.ToString();
            due = await db.Notifications.FromSql($"""
                SELECT * FROM notifications
                WHERE "Channel" = {name} AND "Status" IN ('Queued', 'Deferred', 'Sending') AND "NextAttemptAt" <= {now}
                ORDER BY "NextAttemptAt" LIMIT {limit}
                FOR UPDATE SKIP LOCKED
                """).IgnoreQueryFilters().ToListAsync(ct);
            foreach (var n in due) n.StartSending(now, lease);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        else
        {
            due = await db.Notifications.IgnoreQueryFilters()
                .Where(n => n.Channel == channel
                            && (n.Status == DeliveryStatus.Queued || n.Status == DeliveryStatus.Deferred || n.Status == DeliveryStatus.Sending)
                            && n.NextAttemptAt <= now)
                .OrderBy(n => n.NextAttemptAt).Take(limit).ToListAsync(ct);
            foreach (var n in due) n.StartSending(now, lease);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return []; // another dispatcher claimed one of them first; the next pass looks again
            }
        }
        return due.Select(n => new Claim(n, n.Attempts, now)).ToList();
    }

    /// <summary>
    /// Extends the lease of a claimed message just before its send, if the claim is still ours (the lease may have run
    /// out while earlier messages of the batch were sent, and another instance taken it: then it is theirs to send).
    /// </summary>
    public static async Task<bool> RenewAsync(ParapheDbContext db, string notificationId, int attempt, TimeSpan lease,
        DateTime now, CancellationToken ct) =>
        await db.Notifications.IgnoreQueryFilters()
            .Where(n => n.Id == notificationId && n.Status == DeliveryStatus.Sending && n.Attempts == attempt)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.NextAttemptAt, now + lease).SetProperty(n => n.UpdatedAt, now), ct) == 1;
}
