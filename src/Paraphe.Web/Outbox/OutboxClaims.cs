using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Outbox;

/// <summary>
/// How a dispatcher takes messages so that two instances never both win one. PostgreSQL: the due rows of one channel
/// are locked with `FOR UPDATE SKIP LOCKED` in the statement that marks them `sending` — another instance's claim
/// skips them and takes the next ones instead of waiting or colliding. SQLite (one writer): the claim is one
/// conditional update of the rows still due when it runs; a second dispatcher finds them claimed and takes others.
/// A claimed message is sent only after <see cref="RenewAsync"/> has extended its lease, checking that the claim is
/// still this instance's (same attempt, still `sending`).
/// </summary>
internal static class OutboxClaims
{
    /// <summary>What one claim took: the message (as claimed, detached), the attempt number that proves the claim is ours, and when.</summary>
    public sealed record Claim(Notification Notification, int Attempt, DateTime At);

    /// <summary>
    /// Moves up to <paramref name="limit"/> due messages of <paramref name="channel"/> to `sending` and writes their
    /// `sending` events, in bulk: what <see cref="Notification.StartSending"/> does to one message (one more attempt,
    /// the lease as the next attempt, « tentative N » from the second attempt), as set-based SQL — two statements for
    /// the batch instead of an update and an insert per message. The messages come back as the database now holds them
    /// (detached, without their events).
    /// </summary>
    public static async Task<List<Claim>> ClaimAsync(ParapheDbContext db, Channel channel, int limit, TimeSpan lease,
        DateTime now, CancellationToken ct)
    {
        var name = channel.ToString();
        var sending = nameof(DeliveryStatus.Sending);
        var until = now + lease;
        List<Notification> claimed;
        if (db.IsPostgres)
        {
            // One statement, so one transaction: the due rows locked (skipping those another instance's claim holds),
            // moved to `sending`, their events inserted, the rows returned.
            claimed = await db.Notifications.FromSql($"""
                WITH due AS (
                    SELECT "Id" FROM notifications
                    WHERE "Channel" = {name} AND "Status" IN ('Queued', 'Deferred', 'Sending') AND "NextAttemptAt" <= {now}
                    ORDER BY "NextAttemptAt" LIMIT {limit}
                    FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE notifications AS n SET "Status" = {sending}, "Attempts" = n."Attempts" + 1, "NextAttemptAt" = {until}, "UpdatedAt" = {now}
                    FROM due WHERE n."Id" = due."Id"
                    RETURNING n.*),
                events AS (
                    INSERT INTO notification_events ("At", "Detail", "NotificationId", "Status")
                    SELECT {now}, CASE WHEN "Attempts" > 1 THEN 'tentative ' || "Attempts" END, "Id", {sending} FROM claimed)
                SELECT * FROM claimed
                """).IgnoreQueryFilters().AsNoTracking().ToListAsync(ct);
        }
        else
        {
            // SQLite has one writer: the conditional update claims only rows still due when it runs, so two dispatchers
            // never both win one; the events follow in the same transaction.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            claimed = await db.Notifications.FromSql($"""
                UPDATE notifications SET "Status" = {sending}, "Attempts" = "Attempts" + 1, "NextAttemptAt" = {until}, "UpdatedAt" = {now}
                WHERE "Id" IN (
                    SELECT "Id" FROM notifications
                    WHERE "Channel" = {name} AND "Status" IN ('Queued', 'Deferred', 'Sending') AND "NextAttemptAt" <= {now}
                    ORDER BY "NextAttemptAt" LIMIT {limit})
                RETURNING *
                """).IgnoreQueryFilters().AsNoTracking().ToListAsync(ct);
            if (claimed.Count > 0)
            {
                // Parameters {2}… are the claimed ids (no value is written into the SQL).
                var ids = string.Join(", ", claimed.Select((_, i) => $"{{{i + 2}}}"));
                var insert = $$"""
                    INSERT INTO notification_events ("At", "Detail", "NotificationId", "Status")
                    SELECT {0}, CASE WHEN "Attempts" > 1 THEN 'tentative ' || "Attempts" END, "Id", {1} FROM notifications WHERE "Id" IN ({{ids}})
                    """;
                await db.Database.ExecuteSqlRawAsync(insert, [now, sending, .. claimed.Select(n => (object)n.Id)], ct);
            }
            await tx.CommitAsync(ct);
        }
        return claimed.OrderBy(n => n.NextAttemptAt).Select(n => new Claim(n, n.Attempts, now)).ToList();
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
