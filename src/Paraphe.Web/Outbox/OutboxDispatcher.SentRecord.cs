using System.Text;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Outbox;

/// <summary>
/// The record of a batch whose every message the provider accepted (the common case) as three set-based statements in
/// one transaction, instead of EF's change tracking and, on SQLite, its three commands per message (SQLite's provider
/// sends one command per row): one update of the messages (SQLite <c>UPDATE … FROM (VALUES …)</c>, PostgreSQL
/// <c>FROM unnest(arrays)</c>), each only if still as claimed — its concurrency token, as EF's update checks, and still
/// `sending`; one multi-row insert of their `sent` events; one of their audit events, chained onto the ends read inside
/// the same transaction (SQLite's one writer: nobody extends a chain meanwhile; PostgreSQL: another instance may, the
/// chain's unique index refuses the insert, and it is a conflict). The rows are those the save pipeline would write
/// (<see cref="Notification.Accepted"/> applied to each message, the links from
/// <see cref="AuditEvent.Append(int, string, string, string, string, AuditFact, DateTime)"/>). The save interceptors'
/// effects of such a save: « À corriger »'s good-news refresh (<see cref="AttentionTracker.AfterCommitAsync"/>, called
/// after the commit as the pipeline does); no webhook (a message's move publishes nothing), no alert (failures only), no
/// delivery metric (`delivered` only). Anything else — a failure, a retry, a message a report moved meanwhile (fewer rows
/// match: rolled back), a chain extended first (rolled back) — goes through the save pipeline, fresh from the database.
/// </summary>
public sealed partial class OutboxDispatcher
{
    /// <summary>An outcome that is the provider's acceptance: recognised by the record's set-based path.</summary>
    private sealed class Acceptance(string provider, string? providerMessageId, DateTime at, string? note)
    {
        public void Apply(Notification n) => n.Accepted(provider, providerMessageId, at, note);
    }

    /// <summary>
    /// The columns this record writes by name, and the save interceptors whose effects it was checked against: test
    /// <c>DirectWritesFollowTheModel</c> pins them to EF's model (what <see cref="Notification.Accepted"/> changes, every
    /// column of an event and of an audit event) and to the interceptors the app registers, so that neither drifts.
    /// </summary>
    internal const string SentSet = "SET \"Status\" = 'Sent', \"Provider\" = v.provider, \"ProviderMessageId\" = v.pmid, " +
                                    "\"Error\" = NULL, \"FailureKind\" = 'None', \"UpdatedAt\" = v.updated";
    internal const string EventColumns = "(\"At\", \"Detail\", \"NotificationId\", \"Status\")";
    internal const string AuditColumns = "(\"Actor\", \"AgencyId\", \"At\", \"Data\", \"Hash\", \"PrevHash\", \"ProcedureId\", \"Seq\", \"Type\")";
    internal static readonly IReadOnlyList<Type> ReviewedInterceptors =
        [typeof(Platform.IdempotencyCommit), typeof(Platform.Observability.DeliveryMetrics), typeof(AttentionTracker),
         typeof(Features.Webhooks.WebhookEvents), typeof(Features.Completion.SealingWakeUp)];

    /// <summary>The marker the set-based record's update starts with (the benchmark counts its commits by it).</summary>
    public const string SentRecordMarker = "-- outbox: sent record";

    /// <summary>Whether this batch's record can be written set-based: every outcome an acceptance of a claimed procedure message.</summary>
    private static bool IsPlainSentBatch(List<(Notification Notification, Action<Notification> Outcome)> items) =>
        items.All(i => i.Outcome.Target is Acceptance && i.Notification.Status == DeliveryStatus.Sending
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
        try
        {
            // The messages, each only if still as claimed (its token, and still `sending`: two changes within one clock tick
            // keep the token): a report that moved one since makes this match fewer.
            if (await UpdateSentAsync(db, rows.Select(r => (r.N, r.Token)).ToList(), ct) != rows.Count)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
            await InsertSentEventsAsync(db, rows.Select(r => (r.N.Id, r.Event)).ToList(), ct);

            // The chains' ends, read in this transaction (SQLite: under its write lock, so nobody extends them meanwhile;
            // PostgreSQL: another instance may, and the chain's unique index then refuses the insert below).
            var ends = await ChainEndsAsync(db, rows.Select(r => r.N.ProcedureId!).Distinct().ToList(), ct);
            var now = db.UtcNow;
            var links = new List<AuditEvent>(rows.Count);
            foreach (var r in rows)
            {
                var procedureId = r.N.ProcedureId!;
                var (seq, hash) = ends.TryGetValue(procedureId, out var end) ? end : (0, AuditEvent.GenesisHash);
                var link = AuditEvent.Append(seq, hash, r.N.AgencyId, procedureId, r.Audit.Actor, r.Audit.Fact, now);
                ends[procedureId] = (link.Seq, link.Hash);
                links.Add(link);
            }
            await InsertAuditEventsAsync(db, links, ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (DbErrors.IsConflict(e))
        {
            // Another writer extended one of the chains first (PostgreSQL): the save pipeline chains again.
            await tx.RollbackAsync(ct);
            return false;
        }
        foreach (var r in rows) r.N.ClearPendingEvents();

        // What the save pipeline's « À corriger » tracker does after such a save: good news only.
        await attention.AfterCommitAsync(db, [], rows.Select(r => r.N.ProcedureId!).Distinct().ToList(), ct);
        return true;
    }

    private static Task<int> UpdateSentAsync(ParapheDbContext db, List<(Notification N, DateTime Token)> rows, CancellationToken ct)
    {
        if (db.IsPostgres)
            return db.Database.ExecuteSqlRawAsync($$"""
                {{SentRecordMarker}}
                UPDATE notifications AS n {{SentSet}}
                FROM unnest({0}::text[], {1}::timestamptz[], {2}::text[], {3}::text[], {4}::timestamptz[]) AS v(id, token, provider, pmid, updated)
                WHERE n."Id" = v.id AND n."UpdatedAt" = v.token AND n."Status" = 'Sending'
                """,
                [rows.Select(r => r.N.Id).ToArray(), rows.Select(r => r.Token).ToArray(), rows.Select(r => r.N.Provider).ToArray(),
                 rows.Select(r => r.N.ProviderMessageId).ToArray(), rows.Select(r => r.N.UpdatedAt).ToArray()], ct);
        // SQLite names the columns of VALUES column1, column2, …
        var sql = new StringBuilder(SentRecordMarker).Append("\nUPDATE notifications ")
            .Append(SentSet.Replace("v.provider", "v.column3").Replace("v.pmid", "v.column4").Replace("v.updated", "v.column5")).Append(" FROM (VALUES ");
        var args = new List<object>(rows.Count * 5);
        foreach (var (n, token) in rows)
        {
            sql.Append(args.Count == 0 ? "(" : ", (").Append(Slots(args.Count, 5)).Append(')');
            args.AddRange([n.Id, token, n.Provider!, (object?)n.ProviderMessageId ?? DBNull.Value, n.UpdatedAt]);
        }
        sql.Append(") AS v WHERE notifications.\"Id\" = v.column1 AND notifications.\"UpdatedAt\" = v.column2 AND notifications.\"Status\" = 'Sending'");
        return db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct);
    }

    private static Task<int> InsertSentEventsAsync(ParapheDbContext db, List<(string NotificationId, NotificationEvent Event)> rows, CancellationToken ct)
    {
        if (db.IsPostgres)
            return db.Database.ExecuteSqlRawAsync($$"""
                INSERT INTO notification_events {{EventColumns}}
                SELECT v.at, v.detail, v.id, 'Sent' FROM unnest({0}::timestamptz[], {1}::text[], {2}::text[]) AS v(at, detail, id)
                """, [rows.Select(r => r.Event.At).ToArray(), rows.Select(r => r.Event.Detail).ToArray(), rows.Select(r => r.NotificationId).ToArray()], ct);
        var sql = new StringBuilder("INSERT INTO notification_events ").Append(EventColumns).Append(" VALUES ");
        var args = new List<object>(rows.Count * 3);
        foreach (var (id, e) in rows)
        {
            sql.Append(args.Count == 0 ? "(" : ", (").Append(Slots(args.Count, 3)).Append(", 'Sent')");
            args.AddRange([e.At, (object?)e.Detail ?? DBNull.Value, id]);
        }
        return db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct);
    }

    private static Task<int> InsertAuditEventsAsync(ParapheDbContext db, List<AuditEvent> links, CancellationToken ct)
    {
        if (db.IsPostgres)
            return db.Database.ExecuteSqlRawAsync($$"""
                INSERT INTO audit_events {{AuditColumns}}
                SELECT * FROM unnest({0}::text[], {1}::text[], {2}::timestamptz[], {3}::text[], {4}::text[], {5}::text[], {6}::text[], {7}::int[], {8}::text[])
                """,
                [links.Select(l => l.Actor).ToArray(), links.Select(l => l.AgencyId).ToArray(), links.Select(l => l.At).ToArray(),
                 links.Select(l => l.Data).ToArray(), links.Select(l => l.Hash).ToArray(), links.Select(l => l.PrevHash).ToArray(),
                 links.Select(l => l.ProcedureId).ToArray(), links.Select(l => l.Seq).ToArray(), links.Select(l => l.Type).ToArray()], ct);
        var sql = new StringBuilder("INSERT INTO audit_events ").Append(AuditColumns).Append(" VALUES ");
        var args = new List<object>(links.Count * 9);
        foreach (var l in links)
        {
            sql.Append(args.Count == 0 ? "(" : ", (").Append(Slots(args.Count, 9)).Append(')');
            args.AddRange([l.Actor, l.AgencyId, l.At, l.Data, l.Hash, l.PrevHash, l.ProcedureId, l.Seq, l.Type]);
        }
        return db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct);
    }

    /// <summary>"{i}, {i+1}, …": <paramref name="count"/> parameter slots from <paramref name="first"/> (no value is written into the SQL).</summary>
    private static string Slots(int first, int count) =>
        string.Join(", ", Enumerable.Range(first, count).Select(i => $"{{{i}}}"));
}
