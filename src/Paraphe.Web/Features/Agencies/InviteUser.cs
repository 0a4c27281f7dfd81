using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Contacts;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// A director adds a user: the user has no password until they choose one through the invitation's one-time link,
/// sent by email through the outbox in the same save as the user and the journal row.
/// </summary>
public static class InviteUser
{
    public sealed record Request(string? Email, string? FirstName, string? LastName, string? Role, bool? SigningAuthority);

    public static async Task<User> HandleAsync(ParapheDbContext db, AccountLinks links, AccountOptions options, HttpContext http,
        ClaimsPrincipal actor, Request r, CancellationToken ct)
    {
        TextInput.Ensure("email", r.Email, TextInput.Email);
        TextInput.Ensure("first_name", r.FirstName, TextInput.FirstName);
        TextInput.Ensure("last_name", r.LastName, TextInput.LastName);
        TextInput.Ensure("role", r.Role, TextInput.Role);
        var errors = new Dictionary<string, string[]>();
        var email = r.Email?.Trim().ToLowerInvariant() ?? "";
        var check = ContactChecks.CheckEmail(email);
        if (email.Length == 0) errors["email"] = ["L'adresse email est obligatoire : l'invitation y est envoyée."];
        else if (!check.Ok) errors["email"] = [check.Message ?? "Adresse email invalide."];
        else if (await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == email, ct))
            errors["email"] = ["Un utilisateur de Paraphe a déjà cette adresse email."];
        if (string.IsNullOrWhiteSpace(r.FirstName)) errors["first_name"] = ["Le prénom est obligatoire."];
        if (string.IsNullOrWhiteSpace(r.LastName)) errors["last_name"] = ["Le nom est obligatoire."];
        var role = UserRoles.Parse(r.Role);
        if (role is null) errors["role"] = ["Rôle « director » (direction) ou « agent »."];
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, errors.Count == 1 ? errors.First().Value[0] : "Certains champs ne sont pas valides.", errors);

        var agencyId = actor.AgencyId();
        var user = User.Create(agencyId, email, r.FirstName!, r.LastName!, role!.Value, "", db.UtcNow, r.SigningAuthority ?? false);
        db.Users.Add(user);
        await AccountTokens.IssueAsync(db, links, user, AccountTokenKinds.Invitation, options.InvitationValidity, ct);
        AgencyJournal.Record(db, JournalKind.UserInvited, http, agencyId, actor, email,
            $"{user.DisplayName} ({UserRoles.Label(user.Role)}), habilité à signer : {(user.HasSigningAuthority ? "oui" : "non")}");
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Sends a new invitation to a user who has not chosen a password yet (the previous link stops working).</summary>
    public static async Task<User> ResendAsync(ParapheDbContext db, AccountLinks links, AccountOptions options, HttpContext http,
        ClaimsPrincipal actor, string userId, CancellationToken ct)
    {
        var user = await UpdateUser.FindAsync(db, userId, ct);
        if (!user.IsActive || !string.IsNullOrEmpty(user.PasswordHash))
            throw new DomainException(ErrorCodes.InvalidTransition, "Cet utilisateur a déjà choisi son mot de passe ou est désactivé.");
        await AccountTokens.IssueAsync(db, links, user, AccountTokenKinds.Invitation, options.InvitationValidity, ct);
        AgencyJournal.Record(db, JournalKind.InvitationSent, http, user.AgencyId, actor, user.Email, user.DisplayName);
        await db.SaveChangesAsync(ct);
        return user;
    }
}
