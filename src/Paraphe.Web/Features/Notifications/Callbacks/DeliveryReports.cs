using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Paraphe.Data;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Notifications.Callbacks;

public enum ReportOutcome { Recorded, Unchanged, Unmatched }

/// <summary>
/// Which message a provider's event is about: Paraphe's own notification id when the provider echoes it back
/// (a per-message callback URL, a tag, a custom header, a VERP address), else the provider's message id given at send
/// time. <paramref name="Channel"/> is the channel of the provider that reports: an SMS provider's report never touches
/// an email and a bounce never touches an SMS, whatever id it names.
/// </summary>
public sealed record MessageRef(string Provider, string? NotificationId, string? ProviderMessageId, Channel Channel);

/// <summary>
/// Records a provider's delivery event (webhook, status callback) on its notification, in one transaction with its
/// audit event. Callbacks come from outside any agency's session: the message is found across tenants by its ids,
/// and only that message is touched. Idempotent and order-tolerant by <see cref="Notification.Report"/>; two events of
/// one message (or of one procedure's audit chain) racing each other are settled by retrying the loser on fresh rows.
/// </summary>
public static class DeliveryReports
{
    public static async Task<ReportOutcome> RecordAsync(ParapheDbContext db, MessageRef message, DeliveryReport report,
        CancellationToken ct)
    {
        // Whatever a provider sends is bounded and stripped of control characters before it reaches a query or a row
        // (PostgreSQL refuses U+0000 in text): an id that is no id matches nothing.
        message = message with { NotificationId = Id(message.NotificationId), ProviderMessageId = Id(message.ProviderMessageId) };
        report = report with { Detail = Detail(report.Detail) };
        return await db.RetryOnConflictAsync(async () =>
        {
            // Good news for a context with nothing else to save: read untracked and written directly (DeliveryWrite),
            // the read, the write and its follow-ups on one connection opened once (not taken from the pool per command).
            if (!DeliveryWrite.MayTry(db, report.Status)) return await RecordOnceAsync(db, message, report, direct: false, ct);
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                return await RecordOnceAsync(db, message, report, direct: true, ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, ct);
    }

    private static async Task<ReportOutcome> RecordOnceAsync(ParapheDbContext db, MessageRef message, DeliveryReport report, bool direct,
        CancellationToken ct)
    {
        if (await FindAsync(db, message, tracked: !direct, ct) is not { } found) return ReportOutcome.Unmatched;
        if (direct && found.Notification.ProcedureId is null)
        {
            // An account email (no audit trail): through the save as before, read again tracked (never attached:
            // the context may already track that message from an earlier report).
            direct = false;
            if (await FindAsync(db, message, tracked: true, ct) is not { } again) return ReportOutcome.Unmatched;
            found = again;
        }
        var n = found.Notification;
        if (found.LastStatus is { } status) n.LoadedWithLastEvent(status, found.LastAt ?? default, found.LastDetail);
        var before = direct ? DeliveryWrite.Before(db, n) : null;
        // A repeat (or a stale report) is answered from this one read: no write, no event.
        if (!n.Report(report, db.UtcNow)) return ReportOutcome.Unchanged;
        // Good news of a procedure's message: its three rows written directly, onto the chain end read with it
        // (DeliveryWrite: the same guarantees and follow-ups as the save; a race retries afresh).
        if (before is not null)
        {
            await DeliveryWrite.WriteAsync(db, n, before, found.ChainSeq ?? 0, found.ChainHash ?? AuditEvent.GenesisHash, ct);
            return ReportOutcome.Recorded;
        }
        // The chain's end came with the message: the save chains onto it without asking again (a race retries afresh).
        if (n.ProcedureId is { } procedureId)
            db.KnowChainEnd(procedureId, found.ChainSeq ?? 0, found.ChainHash ?? AuditEvent.GenesisHash);
        await db.SaveChangesAsync(ct);
        return ReportOutcome.Recorded;
    }

    private const int MaxIdLength = 200;
    private const int MaxDetailLength = 1000;

    private static string? Id(string? id) =>
        id is null || id.Length > MaxIdLength || id.Any(c => char.IsControl(c) || char.IsSurrogate(c)) ? null : id;

    private static string? Detail(string? detail)
    {
        if (detail is null) return null;
        var clean = Domain.TextInput.Keep(detail, MaxDetailLength, c => Domain.TextInput.IsControl(c) && c != '\n');
        return clean.Length < detail.Length && clean.Length >= MaxDetailLength - 1 ? clean + '…' : clean;
    }

    /// <summary>Whether the message is known (for events that carry no delivery state).</summary>
    public static async Task<bool> ExistsAsync(ParapheDbContext db, MessageRef message, CancellationToken ct) =>
        await FindAsync(db, message with { NotificationId = Id(message.NotificationId), ProviderMessageId = Id(message.ProviderMessageId) }, tracked: false, ct) is not null;

    /// <summary>
    /// The message (tracked, without its events) with what a report needs beside it, in one query: its newest event
    /// (status, time, words) and the end of its procedure's audit chain (sequence number and hash).
    /// </summary>
    internal sealed record Found(Notification Notification, DeliveryStatus? LastStatus, DateTime? LastAt, string? LastDetail,
        int? ChainSeq, string? ChainHash);

    /// <summary>
    /// By Paraphe's own id when the provider echoed it and it exists, else by the provider's message id; in either case
    /// only a notification of the reporting channel.
    /// </summary>
    /// <param name="compiled">always EF's compiled query (test <c>ReportedMessageReadMatchesTheCompiledQuery</c> compares the two).</param>
    internal static async Task<Found?> FindAsync(ParapheDbContext db, MessageRef message, bool tracked, CancellationToken ct, bool compiled = false)
    {
        // Untracked: read below EF's query pipeline (ReportedMessageRead: the same rows, materialised from EF's model).
        if (!tracked && !compiled && ReportedMessageRead.Usable(db))
        {
            if (!string.IsNullOrEmpty(message.NotificationId)
                && await ReportedMessageRead.FindAsync(db, message.NotificationId, null, message.Provider, message.Channel, ct) is { } raw)
                return raw;
            if (string.IsNullOrEmpty(message.ProviderMessageId)) return null;
            return await ReportedMessageRead.FindAsync(db, null, message.ProviderMessageId, message.Provider, message.Channel, ct);
        }
        var queries = Compiled.GetValue(db.Model, _ => new Queries());
        if (!string.IsNullOrEmpty(message.NotificationId)
            && await (tracked ? queries.ById : queries.ByIdUntracked)(db, message.NotificationId, message.Channel) is { } byId)
            return byId;
        if (string.IsNullOrEmpty(message.ProviderMessageId)) return null;
        return await (tracked ? queries.ByProviderId : queries.ByProviderIdUntracked)(db, message.ProviderMessageId, message.Provider, message.Channel);
    }

    /// <summary>A compiled query belongs to one model (one database provider): one set per model in use.</summary>
    private static readonly ConditionalWeakTable<IModel, Queries> Compiled = [];

    /// <summary>
    /// Compiled once per model: a callback pays neither LINQ translation nor the query cache's lookup. The newest event
    /// and the chain's end are scalar subqueries on the (notification_id) and unique (procedure_id, seq) indexes.
    /// </summary>
    private sealed class Queries
    {
        public readonly Func<ParapheDbContext, string, Channel, Task<Found?>> ById = ByIdQuery(QueryTrackingBehavior.TrackAll);
        public readonly Func<ParapheDbContext, string, string, Channel, Task<Found?>> ByProviderId = ByProviderIdQuery(QueryTrackingBehavior.TrackAll);

        // The same, untracked: a direct write (DeliveryWrite) needs no change tracking.
        public readonly Func<ParapheDbContext, string, Channel, Task<Found?>> ByIdUntracked = ByIdQuery(QueryTrackingBehavior.NoTracking);
        public readonly Func<ParapheDbContext, string, string, Channel, Task<Found?>> ByProviderIdUntracked = ByProviderIdQuery(QueryTrackingBehavior.NoTracking);

        private static Func<ParapheDbContext, string, Channel, Task<Found?>> ByIdQuery(QueryTrackingBehavior tracking) => EF.CompileAsyncQuery(
            (ParapheDbContext db, string id, Channel channel) => db.Notifications.IgnoreQueryFilters().AsTracking(tracking)
                .Where(n => n.Id == id && n.Channel == channel)
                .Select(n => new Found(n,
                    db.NotificationEvents.Where(e => e.NotificationId == n.Id).OrderByDescending(e => e.Id).Select(e => (DeliveryStatus?)e.Status).FirstOrDefault(),
                    db.NotificationEvents.Where(e => e.NotificationId == n.Id).OrderByDescending(e => e.Id).Select(e => (DateTime?)e.At).FirstOrDefault(),
                    db.NotificationEvents.Where(e => e.NotificationId == n.Id).OrderByDescending(e => e.Id).Select(e => e.Detail).FirstOrDefault(),
                    db.AuditEvents.IgnoreQueryFilters().Where(a => a.ProcedureId == n.ProcedureId).OrderByDescending(a => a.Seq).Select(a => (int?)a.Seq).FirstOrDefault(),
                    db.AuditEvents.IgnoreQueryFilters().Where(a => a.ProcedureId == n.ProcedureId).OrderByDescending(a => a.Seq).Select(a => a.Hash).FirstOrDefault()))
                .FirstOrDefault());

        private static Func<ParapheDbContext, string, string, Channel, Task<Found?>> ByProviderIdQuery(QueryTrackingBehavior tracking) => EF.CompileAsyncQuery(
            (ParapheDbContext db, string providerMessageId, string provider, Channel channel) => db.Notifications.IgnoreQueryFilters().AsTracking(tracking)
                .Where(n => n.ProviderMessageId == providerMessageId && n.Provider == provider && n.Channel == channel)
                .Select(n => new Found(n,
                    db.NotificationEvents.Where(e => e.NotificationId == n.Id).OrderByDescending(e => e.Id).Select(e => (DeliveryStatus?)e.Status).FirstOrDefault(),
                    db.NotificationEvents.Where(e => e.NotificationId == n.Id).OrderByDescending(e => e.Id).Select(e => (DateTime?)e.At).FirstOrDefault(),
                    db.NotificationEvents.Where(e => e.NotificationId == n.Id).OrderByDescending(e => e.Id).Select(e => e.Detail).FirstOrDefault(),
                    db.AuditEvents.IgnoreQueryFilters().Where(a => a.ProcedureId == n.ProcedureId).OrderByDescending(a => a.Seq).Select(a => (int?)a.Seq).FirstOrDefault(),
                    db.AuditEvents.IgnoreQueryFilters().Where(a => a.ProcedureId == n.ProcedureId).OrderByDescending(a => a.Seq).Select(a => a.Hash).FirstOrDefault()))
                .FirstOrDefault());
    }
}
