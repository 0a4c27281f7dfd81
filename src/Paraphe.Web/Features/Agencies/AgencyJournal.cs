using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Features.Sessions;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// The agency's settings journal, kept in `security_events` beside logins and session ends: who (the actor), when,
/// what changed (field: before → after). Never a secret: no password, no key, no token — a key by its name and prefix.
/// </summary>
public static class AgencyJournal
{
    public sealed record Entry(long Id, DateTime At, string Kind, string Label, string? Actor, string? ActorName, string? Email, string? Detail);

    /// <summary>Adds a journal row, saved with the change it describes.</summary>
    public static SecurityEvent Record(ParapheDbContext db, JournalKind kind, HttpContext? http, string agencyId, ClaimsPrincipal? actor,
        string? email, string? detail)
    {
        var e = SecurityJournal.Record(db, JournalCatalogue.StoredOf(kind), http, agencyId, actor?.FindFirstValue(ParapheClaims.UserId), email, detail);
        e.Actor = actor?.Actor();
        return e;
    }

    /// <summary>« nom : « A » → « B » ; … » from a list of changes.</summary>
    public static string Describe(IReadOnlyDictionary<string, (object? Before, object? After)> changes) =>
        string.Join(" ; ", changes.Select(c => $"{FieldLabel(c.Key)} : {Show(c.Value.Before)} → {Show(c.Value.After)}"));

    private static string Show(object? v) => v switch
    {
        null or "" => "(vide)",
        bool b => b ? "oui" : "non",
        _ => $"« {v} »",
    };

    private static string FieldLabel(string field) => field switch
    {
        "name" => "nom",
        "address" => "adresse",
        "professional_card" => "carte professionnelle",
        "sms_sender" => "expéditeur des SMS",
        "default_reminders.interval_days" => "relances (jours d'écart)",
        "default_reminders.max" => "relances (nombre)",
        "default_expires_in_days" => "validité (jours)",
        "first_name" => "prénom",
        "last_name" => "nom",
        "role" => "rôle",
        "signing_authority" => "habilité à signer",
        _ => field,
    };

    public static string Label(string kind) => JournalCatalogue.Label(kind);

    /// <summary>The newest entries of the agency first.</summary>
    public static async Task<IReadOnlyList<Entry>> ListAsync(ParapheDbContext db, string agencyId, int limit, CancellationToken ct)
    {
        var kinds = JournalCatalogue.StoredKinds;
        var rows = await db.SecurityEvents.AsNoTracking()
            .Where(e => e.AgencyId == agencyId && kinds.Contains(e.Kind))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct);
        var userIds = rows.Select(r => r.UserId).Where(u => u is not null).Distinct().ToList();
        var names = await db.Users.IgnoreQueryFilters().AsNoTracking().Where(u => u.AgencyId == agencyId && userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName.Length > 0 ? u.DisplayName : u.Email, ct);
        return rows.Select(r => new Entry(r.Id, r.At, r.Kind, Label(r.Kind), r.Actor ?? (r.UserId is null ? null : $"user:{r.UserId}"),
            r.Actor is { } a && a.StartsWith("api_key:", StringComparison.Ordinal) ? "Clé d'API"
            : r.UserId is { } u ? names.GetValueOrDefault(u) : null, r.Email, r.Detail)).ToList();
    }
}
