using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Contacts;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Contacts;

public static class ContactsApi
{
    public static RouteGroupBuilder MapContactsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/contacts").WithTags("Contacts");

        group.MapPost("/", async Task<Created<ContactResponse>> (SaveContact.Request body, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var contact = await SaveContact.CreateAsync(db, http.User.AgencyId(), body, ct);
            return TypedResults.Created($"/api/v1/contacts/{contact.Id}", contact.ToResponse());
        });

        group.MapGet("/{id}", async Task<Ok<ContactResponse>> (string id, ParapheDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await SaveContact.FindAsync(db, id, ct)).ToResponse()));

        group.MapPatch("/{id}", async Task<Ok<ContactResponse>> (string id, SaveContact.Request body, ParapheDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await SaveContact.UpdateAsync(db, id, body, ct)).ToResponse()));

        group.MapGet("/", async Task<Ok<Paged<ContactResponse>>> (string? q, int? page, int? page_size, ParapheDbContext db, CancellationToken ct) =>
        {
            var query = SearchContacts(db.Contacts.AsNoTracking(), q).OrderBy(c => c.LastName).ThenBy(c => c.FirstName);
            return TypedResults.Ok(await Paged<ContactResponse>.OfAsync(query, page, page_size, c => c.ToResponse(), ct));
        });

        return api;
    }

    public static IQueryable<Contact> SearchContacts(IQueryable<Contact> contacts, string? q)
    {
        TextInput.Ensure("q", q, TextInput.Query);
        return Matching(contacts, q);
    }

    /// <summary>
    /// The contacts whose search key holds every term of the query (<see cref="ContactSearch"/>): any writing of a
    /// phone number, names without accents. One substring test per term on one column, on either database.
    /// </summary>
    public static IQueryable<Contact> Matching(IQueryable<Contact> contacts, string? q)
    {
        // PostgreSQL refuses U+0000 in a parameter.
        foreach (var term in ContactSearch.Terms(q?.Replace("\0", "", StringComparison.Ordinal)))
            contacts = contacts.Where(c => c.SearchKey.Contains(term));
        return contacts;
    }
}
