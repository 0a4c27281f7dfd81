using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Paraphe.Data;
using Paraphe.Data.Configurations;
using Paraphe.Data.Records;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// Keeps `procedures.NeedsAttention` (<see cref="AttentionRule"/>) current, so that the list and its « À corriger »
/// filter never load every message of every procedure. After each save that touched a procedure, a message (new, or
/// a delivery change) or a sealing job, the procedure's diagnosis is computed again from what is now committed and the
/// column is written when it changed — except after good news only (a message `sent` or `delivered`), which can take
/// an error away but never raise one: then only a procedure flagged now is computed again. Whatever the handler (API, page, dispatcher, provider callback, sweeps, sealing
/// worker), no call site can forget it. The column is a projection: if this update fails the save still stands, and the
/// next change of the procedure sets it right.
/// </summary>
public sealed partial class AttentionTracker(TimeProvider clock, ILogger<AttentionTracker> log) : SaveChangesInterceptor, IContextState
{
    public void Forget(DbContext db) => touched.Remove(db);

    private readonly ConditionalWeakTable<DbContext, Touched> touched = new();

    /// <summary>The procedures a save touched: those to compute again, and those only touched by good news.</summary>
    private sealed class Touched
    {
        public HashSet<string> Refresh { get; } = [];

        /// <summary>Messages that left Paraphe or reached the client (`sent`, `delivered`): such a move only ever takes
        /// a finding away (a delivery clears a bounce, ends an outage, a failure is no longer the newest), and time only
        /// takes findings away too (a code lock ends), so a procedure not flagged stays unflagged — only a flagged one
        /// is computed again. Most delivery events are these: one indexed read for all of them instead of a full diagnosis.</summary>
        public HashSet<string> GoodNews { get; } = [];

        public void Clear() { Refresh.Clear(); GoodNews.Clear(); }
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is ParapheDbContext db)
        {
            var state = touched.GetOrCreateValue(db);
            var ids = state.Refresh;
            var settled = new HashSet<string>();
            foreach (var e in db.ChangeTracker.Entries())
            {
                if (e.State is not (EntityState.Added or EntityState.Modified)) continue;
                switch (e.Entity)
                {
                    // A procedure created in this save (create + launch in one call): everything its finding depends on
                    // is in this save too, so the flag is written with it, without reading anything back after.
                    case Procedure { IsDraft: false } p when e.State == EntityState.Added && SettleNew(db, e, p):
                        settled.Add(p.Id);
                        break;
                    // A draft never needs the agent (its flag stays false).
                    case Procedure { IsDraft: false } p: ids.Add(p.Id); break;
                    // A claim (queued → sending) or a retry's schedule changes no finding: only a new message, or a move of
                    // its delivery state, may.
                    case Notification { ProcedureId: { } procedureId } n
                        when e.State == EntityState.Added
                             || ((e.Property(nameof(Notification.Status)).IsModified || e.Property(nameof(Notification.FailureKind)).IsModified
                                 || e.Property(nameof(Notification.Error)).IsModified)
                                 && n.Status != DeliveryStatus.Sending):
                        (e.State == EntityState.Modified && IsGoodNews(n.Status)
                            ? state.GoodNews : ids).Add(procedureId);
                        break;
                    case SealingJob j: ids.Add(j.ProcedureId); break;
                }
            }
            ids.ExceptWith(settled);
            state.GoodNews.ExceptWith(settled);
            state.GoodNews.ExceptWith(ids);
        }
        return ValueTask.FromResult(result);
    }

    /// <summary>The flag of a procedure added in this save, computed from the tracked rows (all new with it).</summary>
    private bool SettleNew(ParapheDbContext db, EntityEntry entry, Procedure p)
    {
        try
        {
            var notifications = db.ChangeTracker.Entries<Notification>()
                .Where(n => n.Entity.ProcedureId == p.Id && n.State != EntityState.Deleted).Select(n => n.Entity).ToList();
            var job = db.ChangeTracker.Entries<SealingJob>().Select(j => j.Entity).FirstOrDefault(j => j.ProcedureId == p.Id);
            entry.Property(ProcedureAttention.Column).CurrentValue =
                AttentionRule.NeedsAgent(p, notifications, job, clock.GetUtcNow().UtcDateTime);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRefreshFailed(e, p.Id);
            return false; // refreshed after the save, as any other procedure
        }
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is ParapheDbContext db && touched.TryGetValue(db, out var state)
            && (state.Refresh.Count > 0 || state.GoodNews.Count > 0))
        {
            var list = state.Refresh.ToList();
            var goodNews = state.GoodNews.ToList();
            state.Clear();
            await AfterCommitAsync(db, list, goodNews, cancellationToken);
        }
        return result;
    }

    /// <summary>
    /// What follows a committed change, for a save and for a write outside the save pipeline alike (a delivery report
    /// written directly, <c>DeliveryWrite</c>; the dispatcher's set-based record of `sent` messages, Outbox/SentRecord):
    /// the procedures of <paramref name="refresh"/> computed again, and those of <paramref name="goodNews"/> only if
    /// flagged now. Never throws for the projection's sake (the change stands).
    /// </summary>
    public async Task AfterCommitAsync(ParapheDbContext db, List<string> refresh, List<string> goodNews, CancellationToken cancellationToken)
    {
        var list = refresh;
        if (goodNews.Count > 0)
        {
            try { list.AddRange(await FlaggedAsync(db, goodNews, cancellationToken)); }
            catch (Exception e) when (e is not OperationCanceledException) { LogRefreshFailed(e, string.Join(", ", goodNews)); }
        }
        if (list.Count == 0) return;
        // Every procedure of the save read together (the dispatcher's record of a batch), not one by one; if that
        // fails, each is tried alone so that one bad procedure does not leave the others stale.
        try
        {
            await RefreshAsync(db, list, cancellationToken);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException) { LogRefreshFailed(e, string.Join(",", list)); }
        if (list.Count == 1) return;
        foreach (var id in list)
        {
            try { await RefreshAsync(db, id, cancellationToken); }
            catch (Exception e) when (e is not OperationCanceledException) { LogRefreshFailed(e, id); }
        }
    }

    /// <summary>Whether a change of a message's delivery is good news only (<see cref="Touched.GoodNews"/>): `sent` or
    /// `delivered`. A direct write (<c>DeliveryWrite</c>) takes only these; the rest goes through the save.</summary>
    public static bool IsGoodNews(DeliveryStatus status) => status is DeliveryStatus.Sent or DeliveryStatus.Delivered;

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && touched.TryGetValue(db, out var state)) state.Clear();
        return Task.CompletedTask;
    }

    /// <summary>Of these procedures, those flagged « À corriger » now (one indexed read).</summary>
    private static Task<List<string>> FlaggedAsync(ParapheDbContext db, List<string> ids, CancellationToken ct) =>
        db.Procedures.IgnoreQueryFilters().AsNoTracking()
            .Where(p => ids.Contains(p.Id) && EF.Property<bool>(p, ProcedureAttention.Column)).Select(p => p.Id).ToListAsync(ct);

    /// <summary>Computes the procedure's « needs the agent » from the database and writes it when it changed.</summary>
    public Task RefreshAsync(ParapheDbContext db, string procedureId, CancellationToken ct) => RefreshAsync(db, [procedureId], ct);

    /// <summary>
    /// Computes « needs the agent » of several procedures from the database and writes it where it changed: the
    /// procedures, the ongoing ones' messages with their events and the completed ones' sealing jobs in one read each,
    /// then one conditional update per value of the flag.
    /// </summary>
    public async Task RefreshAsync(ParapheDbContext db, IReadOnlyCollection<string> procedureIds, CancellationToken ct)
    {
        var ids = procedureIds.Distinct().ToList();
        var procedures = await db.Procedures.IgnoreQueryFilters().AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(ct);
        if (procedures.Count == 0) return;
        var now = clock.GetUtcNow().UtcDateTime;
        var ongoing = procedures.Where(p => p.Status == ProcedureStatus.Ongoing).Select(p => p.Id).ToList();
        var completed = procedures.Where(p => p.Status == ProcedureStatus.Completed).Select(p => p.Id).ToList();
        var notifications = ongoing.Count == 0 ? null
            : (await db.Notifications.IgnoreQueryFilters().AsNoTracking().Include(n => n.Events)
                .Where(n => ongoing.Contains(n.ProcedureId!)).ToListAsync(ct)).ToLookup(n => n.ProcedureId!);
        var jobs = completed.Count == 0 ? null
            : (await db.SealingJobs.AsNoTracking().Where(j => completed.Contains(j.ProcedureId)).ToListAsync(ct))
                .GroupBy(j => j.ProcedureId).ToDictionary(g => g.Key, g => g.First());
        var needs = procedures.ToLookup(p => p.Status is ProcedureStatus.Ongoing or ProcedureStatus.Completed
            && AttentionRule.NeedsAgent(p, notifications?[p.Id].ToList() ?? [], jobs?.GetValueOrDefault(p.Id), now), p => p.Id);
        foreach (var group in needs)
        {
            var (value, set) = (group.Key, group.ToList());
            await db.Procedures.IgnoreQueryFilters()
                .Where(p => set.Contains(p.Id) && EF.Property<bool>(p, ProcedureAttention.Column) != value)
                .ExecuteUpdateAsync(s => s.SetProperty(p => EF.Property<bool>(p, ProcedureAttention.Column), value), ct);
        }
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Could not refresh whether procedure {ProcedureId} needs the agent")]
    private partial void LogRefreshFailed(Exception e, string procedureId);
}
