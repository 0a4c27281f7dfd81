using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// The agency's API keys: several, named; a new key is shown once (only its SHA-256 and first characters are kept);
/// a revoked key answers 401 on the next request (authentication reads the row every time).
/// </summary>
public static class ManageApiKeys
{
    public const int NameMax = 100;

    public sealed record CreateRequest(string? Name);

    /// <summary>`prefix`: the key's first characters, to tell keys apart; `last_used_at` is written at most once a minute.</summary>
    public sealed record KeyResponse(string Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

    /// <summary>The one answer that carries the key itself.</summary>
    public sealed record CreatedKey(string Id, string Name, string Prefix, string Key, DateTime CreatedAt);

    public static KeyResponse ToResponse(this ApiKey k) => new(k.Id, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt);

    public static Task<List<ApiKey>> ListAsync(ParapheDbContext db, string agencyId, CancellationToken ct) =>
        db.ApiKeys.AsNoTracking().Where(k => k.AgencyId == agencyId).OrderByDescending(k => k.CreatedAt).ToListAsync(ct);

    public static async Task<CreatedKey> CreateAsync(ParapheDbContext db, HttpContext http, ClaimsPrincipal actor, CreateRequest r,
        CancellationToken ct)
    {
        TextInput.Ensure("name", r.Name, new TextInput.Rule(NameMax, false, "le nom de la clé"));
        var name = r.Name?.Trim() ?? "";
        if (name.Length == 0)
            throw new DomainException(ErrorCodes.ValidationFailed, "Donnez un nom à la clé (ex. « Logiciel de transaction »).",
                new Dictionary<string, string[]> { ["name"] = ["Obligatoire."] });
        var agencyId = actor.AgencyId();
        var key = ApiKeys.Generate();
        var row = ApiKeys.NewRow(agencyId, key, db.UtcNow, name, actor.Actor());
        db.ApiKeys.Add(row);
        AgencyJournal.Record(db, JournalKind.ApiKeyCreated, http, agencyId, actor, null, $"« {name} » ({row.Prefix}…)");
        await db.SaveChangesAsync(ct);
        return new CreatedKey(row.Id, row.Name, row.Prefix, key, row.CreatedAt);
    }

    public static async Task<ApiKey> RevokeAsync(ParapheDbContext db, HttpContext http, ClaimsPrincipal actor, string id, CancellationToken ct)
    {
        TextInput.Ensure("id", id, TextInput.Id);
        var agencyId = actor.AgencyId();
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.AgencyId == agencyId, ct)
                  ?? throw new DomainException(ErrorCodes.NotFound, "Clé d'API introuvable.");
        if (row.RevokedAt is not null) return row;
        row.RevokedAt = db.UtcNow;
        AgencyJournal.Record(db, JournalKind.ApiKeyRevoked, http, agencyId, actor, null,
            $"« {(row.Name.Length > 0 ? row.Name : "sans nom")} » ({row.Prefix}…)");
        await db.SaveChangesAsync(ct);
        return row;
    }
}
