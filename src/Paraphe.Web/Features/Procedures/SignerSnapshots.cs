using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Procedures;

/// <summary>The current coordinates of the contacts and users behind a procedure's signers, checked.</summary>
public sealed class SignerSnapshots
{
    private readonly Dictionary<string, Contact> _contacts;
    private readonly Dictionary<string, User> _users;
    /// <summary>Each contact's or user's snapshot once checked (address and number parsing cost ~0.15 ms each): a
    /// create + launch asks for it twice, for the draft and for the launch, and gets the same answer.</summary>
    private readonly Dictionary<(string? ContactId, string? UserId), SignerSnapshot> _checked = [];

    private SignerSnapshots(Dictionary<string, Contact> contacts, Dictionary<string, User> users)
    {
        _contacts = contacts;
        _users = users;
    }

    public static async Task<SignerSnapshots> LoadAsync(ParapheDbContext db, IEnumerable<string?> contactIds,
        IEnumerable<string?> userIds, CancellationToken ct)
    {
        var cids = contactIds.OfType<string>().Distinct().ToList();
        var uids = userIds.OfType<string>().Distinct().ToList();
        // Skip the query when there is nothing to look up: every signer is usually a contact, or every one a user.
        var contacts = cids.Count == 0 ? [] : await db.Contacts.Where(c => cids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var users = uids.Count == 0 ? [] : await db.Users.Where(u => uids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        if (cids.FirstOrDefault(id => !contacts.ContainsKey(id)) is { } missingContact)
            throw new DomainException(ErrorCodes.NotFound, $"Contact introuvable : {missingContact}.");
        if (uids.FirstOrDefault(id => !users.ContainsKey(id)) is { } missingUser)
            throw new DomainException(ErrorCodes.NotFound, $"Utilisateur introuvable : {missingUser}.");
        return new SignerSnapshots(contacts, users);
    }

    public static Task<SignerSnapshots> LoadAsync(ParapheDbContext db, Procedure p, CancellationToken ct) =>
        LoadAsync(db, p.Signers.Select(s => s.ContactId), p.Signers.Select(s => s.UserId), ct);

    public Contact Contact(string id) => _contacts[id];

    public SignerSnapshot Of(string? contactId, string? userId)
    {
        if (_checked.TryGetValue((contactId, userId), out var known)) return known;
        var snapshot = Check(contactId, userId);
        _checked[(contactId, userId)] = snapshot;
        return snapshot;
    }

    private SignerSnapshot Check(string? contactId, string? userId)
    {
        if (contactId is not null) return OfContact(_contacts[contactId]);
        var u = _users[userId!];
        if (!u.IsActive)
            throw new DomainException(ErrorCodes.NoSigningAuthority,
                $"{u.DisplayName} est désactivé(e) : choisissez un utilisateur actif, habilité à signer pour l'agence.");
        if (!u.HasSigningAuthority)
            throw new DomainException(ErrorCodes.NoSigningAuthority,
                $"{u.DisplayName} n'est pas habilité(e) à signer pour l'agence : selon la loi Hoguet, seul le titulaire de la " +
                "carte professionnelle ou une personne qu'il habilite signe au nom de l'agence. La direction peut donner ce pouvoir " +
                "dans Paramètres › Utilisateurs.");
        var userChecks = ContactChecks.Check(u.Email, u.Mobile);
        return new SignerSnapshot(u.FirstName, u.LastName, u.Email, u.Mobile ?? "", userChecks.Email.Ok, userChecks.Mobile.Ok);
    }

    public SignerSnapshot Of(Signer s) => Of(s.ContactId, s.UserId);

    public static SignerSnapshot OfContact(Contact c)
    {
        var checks = c.Checks();
        return new SignerSnapshot(c.FirstName, c.LastName, c.Email, c.Mobile, checks.Email.Ok, checks.Mobile.Ok, c.Language);
    }
}
