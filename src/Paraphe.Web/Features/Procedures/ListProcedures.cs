using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Configurations;
using Paraphe.Domain;
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

    /// <summary>`GET /api/v1/procedures`: a page of full representations (API.md), read-only.</summary>
    public static async Task<Paged<ProcedureResponse>> PageAsync(ParapheDbContext db, string? status, string? q, int? page,
        int? pageSize, bool? needsAttention, CancellationToken ct) =>
        Map(await LoadAsync(db, status, q, page, pageSize, needsAttention, ct), db.UtcNow);

    /// <summary>What a page's items are made of, read in six statements (count, page, the page's signers
    /// (<see cref="ListedProcedures"/>), messages, their events, sealing jobs), untracked; the messages and events as rows
    /// (<see cref="ListedMessages"/>).</summary>
    public sealed record PageData(Paged<Procedure> Procedures, ILookup<string?, ListedMessage> Notifications,
        IReadOnlyDictionary<string, SealingJob> Jobs);

    public static async Task<PageData> LoadAsync(ParapheDbContext db, string? status, string? q, int? page, int? pageSize,
        bool? needsAttention, CancellationToken ct)
    {
        // A signer's one-time codes matter to an item only once the signer is locked out of codes (the diagnosis says how
        // many were sent and typed wrong): the page is read without them (one query less on SQLite, a join less on
        // PostgreSQL), and the rare procedure with such a signer read again whole.
        var query = Query(db, status, q, needsAttention);
        var unfiltered = string.IsNullOrWhiteSpace(status) && string.IsNullOrWhiteSpace(q) && needsAttention is null;
        var result = await ListedProcedures.PageAsync(db, query, unfiltered, page, pageSize, ct);
        var locked = result.Items.Where(p => p.Signers.Any(s => s.OtpLockedAt is not null)).Select(p => p.Id).ToList();
        if (locked.Count > 0)
        {
            var whole = await db.Procedures.AsNoTracking().Where(p => locked.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
            result = result with { Items = result.Items.Select(p => whole.GetValueOrDefault(p.Id) ?? p).ToList() };
        }
        var ids = result.Items.Select(p => p.Id).ToList();
        // Each item's messages in the order `GET /procedures/{id}` gives them (oldest first, then by id).
        var notifications = await ListedMessages.ForAsync(db, ids, ct);
        var jobs = await db.SealingJobs.AsNoTracking().Where(j => ids.Contains(j.ProcedureId)).ToDictionaryAsync(j => j.ProcedureId, ct);
        return new PageData(result, notifications, jobs);
    }

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
