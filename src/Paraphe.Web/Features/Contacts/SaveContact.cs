using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Contacts;

namespace Paraphe.Web.Features.Contacts;

/// <summary>Creates or edits a contact. A failing check does not stop the save: it is reported with its suggestion.</summary>
public static class SaveContact
{
    /// <param name="Language">"fr" (default) or "en": the language of the messages this client receives.</param>
    public sealed record Request(string? FirstName, string? LastName, string? Email, string? Mobile, string? Language = null);

    public static async Task<Contact> CreateAsync(ParapheDbContext db, string agencyId, Request r, CancellationToken ct)
    {
        var contact = Contact.Create(agencyId, r.FirstName, r.LastName, r.Email, r.Mobile, db.UtcNow,
            Languages.Parse(r.Language));
        db.Contacts.Add(contact);
        await db.SaveChangesAsync(ct);
        return contact;
    }

    /// <summary>PATCH semantics: absent fields keep their value.</summary>
    public static async Task<Contact> UpdateAsync(ParapheDbContext db, string id, Request r, CancellationToken ct)
    {
        var contact = await FindAsync(db, id, ct);
        contact.Update(r.FirstName ?? contact.FirstName, r.LastName ?? contact.LastName, r.Email ?? contact.Email,
            r.Mobile ?? contact.Mobile, db.UtcNow, Languages.Parse(r.Language, contact.Language));
        await Procedures.DraftSigners.FollowAsync(db, contact, ct);
        await db.SaveChangesAsync(ct);
        return contact;
    }

    public static async Task<Contact> FindAsync(ParapheDbContext db, string id, CancellationToken ct) =>
        await db.Contacts.FirstOrDefaultAsync(c => c.Id == id, ct)
        ?? throw new DomainException(ErrorCodes.NotFound, "Contact introuvable.");
}
