using System.Text;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Outbox;

/// <summary>
/// The record of a batch whose every message the provider accepted (the common case), on SQLite, as three set-based
/// statements in one transaction instead of EF's three commands per message (SQLite's provider sends one command per
/// row): one <c>UPDATE … FROM (VALUES …)</c> of the messages, guarded by their concurrency token as EF's update is; one
/// multi-row insert of their `sent` events; one of their audit events, chained onto the ends read inside the same
/// transaction (SQLite's one writer: no other writer can extend a chain between that read and the insert). The rows
/// are exactly those the save pipeline would write (<see cref="Notification.Accepted"/> applied to each message, the
/// audit events from <see cref="AuditEvent.Append(int, string, string, string, string, AuditFact, DateTime)"/>).
/// The save interceptors' side effects of such a save are: « À corriger » (good news, <see cref="AttentionTracker.AfterCommitAsync"/>,
/// called after the commit as the pipeline does); no webhook (a message's move publishes nothing), no alert (raised
/// for failures only), no delivery metric (for `delivered` only). Anything else — a failure, a retry, a message a report
/// moved meanwhile (the token matches fewer rows: rolled back) — goes through the save pipeline, fresh from the database.
/// </summary>
public sealed partial class OutboxDispatcher
{
    /// <summary>An outcome that is the provider's acceptance: recognised by the record's set-based path.</summary>
    private sealed class Acceptance(string provider, string? providerMessageId, DateTime at, string? note)
    {
        public void Apply(Notification n) => n.Accepted(provider, providerMessageId, at, note);
    }

    /// <summary>The marker the set-based record's update starts with (the benchmark counts its commits by it).</summary>
    public const string SentRecordMarker = "-- outbox: sent record";

    /// <summary>Whether this batch's record can be written set-based: SQLite, every outcome an acceptance of a claimed procedure message.</summary>
    private static bool IsPlainSentBatch(ParapheDbContext db, List<(Notification Notification, Action<Notification> Outcome)> items) =>
        db.Database.IsSqlite() && items.All(i => i.Outcome.Target is Acceptance && i.Notification.Status == DeliveryStatus.Sending
                                                 && i.Notification.ProcedureId is not null && i.Notification.PendingEvents.Count == 0);

    /// <summary>
    /// Writes the batch's acceptances set-based; false (nothing written, the messages left as applied in memory) when a
    /// message was moved by someone else since its claim: the caller then records the batch through the save pipeline.
    /// </summary>
    private async Task<bool> TryRecordSentAsync(ParapheDbContext db, AttentionTracker attention,
        List<(Notification Notification, Action<Notification> Outcome)> items)
    {
        var ct = CancellationToken.None; // the messages were sent: their record is not cut short by the host stopping
        var rows = new List<(Notification N, DateTime Token, NotificationEvent Event, ProcedureEvent Audit)>(items.Count);
        foreach (var (n, outcome) in items)
        {
            var token = n.UpdatedAt;
            outcome(n);
            if (n.Status != DeliveryStatus.Sent || n.PendingEvents.Count != 1) return false; // not a plain acceptance
            rows.Add((n, token, n.Events[^1], n.PendingEvents[0]));
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The messages, each only if still as claimed (its token): a report that moved one since makes this match fewer.
        var sql = new StringBuilder(SentRecordMarker).Append("\nUPDATE notifications SET \"Status\" = 'Sent', \"Provider\" = v.column3, " +
            "\"ProviderMessageId\" = v.column4, \"Error\" = NULL, \"FailureKind\" = 'None', \"UpdatedAt\" = v.column5 FROM (VALUES ");
        var args = new List<object>(rows.Count * 9);
        foreach (var r in rows)
        {
            sql.Append(args.Count == 0 ? "(" : ", (").Append(Slots(args.Count, 5)).Append(')');
            args.AddRange([r.N.Id, r.Token, r.N.Provider!, (object?)r.N.ProviderMessageId ?? DBNull.Value, r.N.UpdatedAt]);
        }
        sql.Append(") AS v WHERE notifications.\"Id\" = v.column1 AND notifications.\"UpdatedAt\" = v.column2");
        if (await db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct) != rows.Count)
        {
            await tx.RollbackAsync(ct);
            return false;
        }

        sql.Clear().Append("INSERT INTO notification_events (\"At\", \"Detail\", \"NotificationId\", \"Status\") VALUES ");
        args.Clear();
        foreach (var r in rows)
        {
            sql.Append(args.Count == 0 ? "(" : ", (").Append(Slots(args.Count, 3)).Append(", 'Sent')");
            args.AddRange([r.Event.At, (object?)r.Event.Detail ?? DBNull.Value, r.N.Id]);
        }
        await db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct);

        // The chains' ends, read under the write lock this transaction holds: the links below extend them.
        var ends = await ChainEndsAsync(db, rows.Select(r => r.N.ProcedureId!).Distinct().ToList(), ct);
        var now = db.UtcNow;
        sql.Clear().Append("INSERT INTO audit_events (\"Actor\", \"AgencyId\", \"At\", \"Data\", \"Hash\", \"PrevHash\", \"ProcedureId\", \"Seq\", \"Type\") VALUES ");
        args.Clear();
        foreach (var r in rows)
        {
            var procedureId = r.N.ProcedureId!;
            var (seq, hash) = ends.TryGetValue(procedureId, out var end) ? end : (0, AuditEvent.GenesisHash);
            var link = AuditEvent.Append(seq, hash, r.N.AgencyId, procedureId, r.Audit.Actor, r.Audit.Fact, now);
            ends[procedureId] = (link.Seq, link.Hash);
            sql.Append(args.Count == 0 ? "(" : ", (").Append(Slots(args.Count, 9)).Append(')');
            args.AddRange([link.Actor, link.AgencyId, link.At, link.Data, link.Hash, link.PrevHash, link.ProcedureId, link.Seq, link.Type]);
        }
        await db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct);
        await tx.CommitAsync(ct);
        foreach (var r in rows) r.N.ClearPendingEvents();

        // What the save pipeline's « À corriger » tracker does after such a save: good news only.
        await attention.AfterCommitAsync(db, [], rows.Select(r => r.N.ProcedureId!).Distinct().ToList(), ct);
        return true;
    }

    /// <summary>"{i}, {i+1}, …": <paramref name="count"/> parameter slots from <paramref name="first"/> (no value is written into the SQL).</summary>
    private static string Slots(int first, int count) =>
        string.Join(", ", Enumerable.Range(first, count).Select(i => $"{{{i}}}"));
}
