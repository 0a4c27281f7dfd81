using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Configurations;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;

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
