using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Domain.Agencies;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>A director renames a user, changes their role or their signing authority; the last active director stays one.</summary>
public static class UpdateUser
{
    public sealed record Request(string? FirstName, string? LastName, string? Role, bool? SigningAuthority);

    public static async Task<User> FindAsync(ParapheDbContext db, string id, CancellationToken ct)
    {
        TextInput.Ensure("id", id, TextInput.Id);
        return await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct)
            ?? throw new DomainException(ErrorCodes.NotFound, "Utilisateur introuvable.");
    }

    public static async Task<User> HandleAsync(ParapheDbContext db, HttpContext http, ClaimsPrincipal actor, string id, Request r,
        CancellationToken ct)
    {
        TextInput.Ensure("first_name", r.FirstName, TextInput.FirstName);
        TextInput.Ensure("last_name", r.LastName, TextInput.LastName);
        TextInput.Ensure("role", r.Role, TextInput.Role);
        var user = await FindAsync(db, id, ct);
        var errors = new Dictionary<string, string[]>();
        if (r.FirstName is not null && r.FirstName.Trim().Length == 0) errors["first_name"] = ["Le prénom est obligatoire."];
        if (r.LastName is not null && r.LastName.Trim().Length == 0) errors["last_name"] = ["Le nom est obligatoire."];
        var role = r.Role is null ? user.Role : UserRoles.Parse(r.Role, user.Role);
        if (role is null) errors["role"] = ["Rôle « director » (direction) ou « agent »."];
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, errors.Count == 1 ? errors.First().Value[0] : "Certains champs ne sont pas valides.", errors);
        if (user.Role == UserRole.Director && role != UserRole.Director) await EnsureAnotherDirectorAsync(db, user, ct);

        var changes = new Dictionary<string, (object?, object?)>();
        if (r.FirstName is { } f && f.Trim() != user.FirstName) changes["first_name"] = (user.FirstName, f.Trim());
        if (r.LastName is { } l && l.Trim() != user.LastName) changes["last_name"] = (user.LastName, l.Trim());
        if (role != user.Role) changes["role"] = (UserRoles.Label(user.Role), UserRoles.Label(role!.Value));
        if (r.SigningAuthority is { } a && a != user.HasSigningAuthority) changes["signing_authority"] = (user.HasSigningAuthority, a);
        if (changes.Count == 0) return user;
        user.Rename(r.FirstName, r.LastName);
        user.ChangeRole(role!.Value);
        if (r.SigningAuthority is { } granted) user.SetSigningAuthority(granted);
        AgencyJournal.Record(db, JournalKind.UserUpdated, http, user.AgencyId, actor, user.Email,
            $"{user.DisplayName} — {AgencyJournal.Describe(changes)}");
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Refuses a change that would leave the agency without an active director.</summary>
    public static async Task EnsureAnotherDirectorAsync(ParapheDbContext db, User user, CancellationToken ct)
    {
        if (!await db.Users.AnyAsync(u => u.Id != user.Id && u.Role == UserRole.Director && u.DeactivatedAt == null, ct))
            throw new DomainException(ErrorCodes.LastDirector,
                $"{user.DisplayName} est le dernier directeur actif de l'agence : nommez d'abord un autre directeur.");
    }
}
