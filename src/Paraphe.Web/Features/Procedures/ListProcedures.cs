using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Configurations;
using Paraphe.Domain;
using Paraphe.Domain.Diagnosis;
using Paraphe.Data.Records;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The agency's procedures, newest first, filtered by status, by title or signer name, and by « À corriger »
/// (<paramref name="needsAttention"/>: the column <see cref="AttentionTracker"/> keeps current, no message is loaded).
/// </summary>
public static class ListProcedures
{
    public static IQueryable<Procedure> Query(ParapheDbContext db, string? status, string? q, bool? needsAttention = null)
    {
        var errors = new Dictionary<string, string[]>();
        TextInput.Check(errors, "status", status, TextInput.StatusFilter);
        TextInput.Check(errors, "q", q, TextInput.Query);
        TextInput.ThrowIfAny(errors);
        IQueryable<Procedure> query = db.Procedures;
        if (!string.IsNullOrWhiteSpace(status))
        {
            var wanted = status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(ParseStatus).ToList();
            query = query.Where(p => wanted.Contains(p.Status));
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Replace("\0", "", StringComparison.Ordinal).Trim().ToLower(); // PostgreSQL refuses U+0000 in a parameter
            query = query.Where(p => p.Title.ToLower().Contains(term)
                                     || p.Signers.Any(s => s.LastName.ToLower().Contains(term) || s.FirstName.ToLower().Contains(term)));
        }
        if (needsAttention is { } attention)
            query = query.Where(p => EF.Property<bool>(p, ProcedureAttention.Column) == attention);
        return query.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id);
    }

    /// <summary>`GET /api/v1/procedures`: a page of full representations (API.md), read-only; each item built, or its JSON
    /// served again while the stamps of what it is built from are unchanged in the database and its diagnosis holds
    /// (<see cref="ListedItemCache"/>). A page whose every item is kept reads one statement (<see cref="ListedStamps"/>)
    /// and no entity, and is one copy of the body kept whole (<see cref="ListedPageCache"/>); only missed items are read
    /// and built.</summary>
    public static async Task<ListedPage> PageAsync(ParapheDbContext db, ListedItemCache cache, ListedPageCache pages,
        ListedStampReads stamps, JsonSerializerOptions json, string? status, string? q, int? page, int? pageSize,
        bool? needsAttention, CancellationToken ct)
    {
        var query = Query(db, status, q, needsAttention);
        var unfiltered = Unfiltered(status, q, needsAttention);
        // The stamps are read before what the items are built from: a write between the two leaves an item newer than its
        // stamp, which the next request's stamp no longer matches (never an item older than its stamp). Concurrent
        // requests of the same page share a read that started after each of them came (list11).
        var (stamped, joined) = await stamps.PageAsync(db, query, unfiltered, status, q, needsAttention, page, pageSize, ct);
        var now = db.UtcNow;
        // Only an agency's own list is kept (items and pages are kept under its id).
        var keeps = db.TenantAgencyId is not null;
        var agency = db.TenantAgencyId ?? "";
        var culture = CultureInfo.CurrentCulture.Name;
        var key = new ListedPageCache.Key(agency, culture, status, q, needsAttention, stamped.Page, stamped.PageSize);
        if (keeps && pages.Find(key, stamped.Items, stamped.Total, now) is { } body)
            return new ListedPage(body, kept: true, joined);
        var items = new byte[]?[stamped.Items.Count];
        var missed = new List<int>();
        // The page is kept whole only if every item is kept as an item too, until the earliest item's diagnosis changes.
        var whole = keeps;
        var until = DateTime.MaxValue;
        for (var i = 0; i < items.Length; i++)
        {
            var s = stamped.Items[i];
            if (!s.Locked && cache.Find(agency, culture, s.Id, s.Stamp, now, out var holds) is { } kept)
            {
                items[i] = kept;
                until = Min(until, holds);
            }
            else missed.Add(i);
        }
        if (missed.Count > 0)
        {
            var ids = missed.Select(i => stamped.Items[i].Id).ToList();
            var procedures = await ListedProcedures.ByIdsAsync(db, ids, ct);
            var jobs = await JobsAsync(db, ids, ct);
            var notifications = await ListedMessages.ForAsync(db, ids, ct);
            foreach (var i in missed)
            {
                var s = stamped.Items[i];
                // A procedure deleted since the stamps were read is left out, as a page read a moment later would leave it.
                if (!procedures.TryGetValue(s.Id, out var p))
                {
                    whole = false;
                    continue;
                }
                var clock = new DiagnosisClock(now);
                items[i] = JsonSerializer.SerializeToUtf8Bytes(p.ToResponse(notifications[p.Id].ToList(), clock, jobs.GetValueOrDefault(p.Id)), json);
                if (keeps && !s.Locked && !ListedProcedures.IsLocked(p))
                {
                    cache.Keep(agency, culture, p.Id, s.Stamp, now, clock.HoldsUntil, items[i]!);
                    until = Min(until, clock.HoldsUntil);
                }
                else whole = false;
            }
        }
        var written = new ListedBody(ListedPage.Write(items.OfType<byte[]>().ToList(), stamped.Page, stamped.PageSize, stamped.Total, json));
        if (whole) pages.Keep(key, stamped.Items, stamped.Total, now, until, written);
        return new ListedPage(written, kept: false, joined);
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    /// <summary>What a page's items are made of, read in six statements (count, page, the page's signers
    /// (<see cref="ListedProcedures"/>), messages, their events, sealing jobs), untracked; the messages and events as rows
    /// (<see cref="ListedMessages"/>).</summary>
    public sealed record PageData(Paged<Procedure> Procedures, ILookup<string?, ListedMessage> Notifications,
        IReadOnlyDictionary<string, SealingJob> Jobs);

    public static async Task<PageData> LoadAsync(ParapheDbContext db, string? status, string? q, int? page, int? pageSize,
        bool? needsAttention, CancellationToken ct)
    {
        var result = await ProceduresAsync(db, status, q, page, pageSize, needsAttention, ct);
        var ids = result.Items.Select(p => p.Id).ToList();
        // Each item's messages in the order `GET /procedures/{id}` gives them (oldest first, then by id).
        var notifications = await ListedMessages.ForAsync(db, ids, ct);
        return new PageData(result, notifications, await JobsAsync(db, ids, ct));
    }

    /// <summary>The page's procedures with their signers.</summary>
    private static async Task<Paged<Procedure>> ProceduresAsync(ParapheDbContext db, string? status, string? q, int? page,
        int? pageSize, bool? needsAttention, CancellationToken ct)
    {
        var result = await ListedProcedures.PageAsync(db, Query(db, status, q, needsAttention), Unfiltered(status, q, needsAttention), page, pageSize, ct);
        var whole = await ListedProcedures.LockedWholeAsync(db, result.Items, ct);
        return whole.Count == 0 ? result : result with { Items = result.Items.Select(p => whole.GetValueOrDefault(p.Id) ?? p).ToList() };
    }

    /// <summary>The list as `GET /procedures` with no filter gives it (the agency's newest first).</summary>
    private static bool Unfiltered(string? status, string? q, bool? needsAttention) =>
        string.IsNullOrWhiteSpace(status) && string.IsNullOrWhiteSpace(q) && needsAttention is null;

    private static Task<Dictionary<string, SealingJob>> JobsAsync(ParapheDbContext db, List<string> ids, CancellationToken ct) =>
        db.SealingJobs.AsNoTracking().Where(j => ids.Contains(j.ProcedureId)).ToDictionaryAsync(j => j.ProcedureId, ct);

    /// <summary>The page's items: CPU only.</summary>
    public static Paged<ProcedureResponse> Map(PageData data, DateTime now) => new(
        data.Procedures.Items.Select(p => p.ToResponse(data.Notifications[p.Id].ToList(), now, data.Jobs.GetValueOrDefault(p.Id))).ToList(),
        data.Procedures.Page, data.Procedures.PageSize, data.Procedures.Total);

    public static ProcedureStatus ParseStatus(string s) => s.ToLowerInvariant() switch
    {
        "draft" => ProcedureStatus.Draft,
        "ongoing" => ProcedureStatus.Ongoing,
        "completed" => ProcedureStatus.Completed,
        "declined" => ProcedureStatus.Declined,
        "cancelled" => ProcedureStatus.Cancelled,
        "expired" => ProcedureStatus.Expired,
        _ => throw new DomainException(ErrorCodes.ValidationFailed, $"Statut inconnu : {s}.",
            new Dictionary<string, string[]> { ["status"] = ["draft, ongoing, completed, declined, cancelled ou expired."] }),
    };
}
