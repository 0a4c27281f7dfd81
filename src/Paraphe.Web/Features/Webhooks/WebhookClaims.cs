using Microsoft.EntityFrameworkCore;
using Paraphe.Data;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// Takes a batch of due deliveries for one worker: each claimed row's next attempt moves to the end of a lease and its
/// attempt count goes up, so that another instance does not take it and a crash leaves it to be taken again when the lease
/// ends. PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c> in a transaction (two instances take disjoint batches without waiting
/// on each other). SQLite (one writer at a time): a conditional update per row on the next attempt that was read — the
/// row another worker claimed first no longer matches, and this worker leaves it.
/// </summary>
public static class WebhookClaims
{
    public static async Task<List<string>> ClaimAsync(ParapheDbContext db, WebhookOptions options, CancellationToken ct)
    {
        var now = db.UtcNow;
        var lease = now + options.Lease;
        var batch = Math.Max(1, options.BatchSize);
        if (db.IsPostgres)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var ids = await db.Database.SqlQuery<string>($"""
                SELECT "Id" AS "Value" FROM webhook_deliveries WHERE "NextAttemptAt" <= {now}
                ORDER BY "NextAttemptAt" LIMIT {batch} FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
            if (ids.Count > 0)
                await db.WebhookDeliveries.IgnoreQueryFilters().Where(d => ids.Contains(d.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, lease).SetProperty(d => d.Attempts, d => d.Attempts + 1), ct);
            await tx.CommitAsync(ct);
            return ids;
        }
        var due = await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking().Where(d => d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).Take(batch).Select(d => new { d.Id, d.NextAttemptAt }).ToListAsync(ct);
        var won = new List<string>();
        foreach (var d in due)
        {
            var taken = await db.WebhookDeliveries.IgnoreQueryFilters().Where(x => x.Id == d.Id && x.NextAttemptAt == d.NextAttemptAt)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextAttemptAt, lease).SetProperty(x => x.Attempts, x => x.Attempts + 1), ct);
            if (taken == 1) won.Add(d.Id);
        }
        return won;
    }
}
