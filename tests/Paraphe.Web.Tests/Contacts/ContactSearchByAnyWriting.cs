using System.Net;
using Microsoft.EntityFrameworkCore;
using Paraphe.Web.Features.Contacts;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Contacts;

/// <summary>
/// `GET /contacts?q=` finds a contact by any writing of a phone number and by names without their accents, in the
/// database (a search key kept on save), on SQLite and PostgreSQL alike.
/// </summary>
public abstract class ContactSearchByAnyWriting(ParapheApp app)
{
    private async Task<(string AgencyId, Api Api)> AgencyWithContactsAsync()
    {
        var (agencyId, api) = await app.CreateAgencyAsync("Agence Recherche " + Guid.NewGuid().ToString("N")[..6]);
        await api.CreateContactAsync("Hélène", "Lefèvre", "helene.lefevre@example.fr", "06 12 34 56 78");
        await api.CreateContactAsync("Paul", "Hoarau", "paul.hoarau@example.re", "+262 692 12 34 56");
        await api.CreateContactAsync("Jean-Pierre", "N'Diaye", "jp.ndiaye@example.fr", "07 98 76 54 32");
        return (agencyId, api);
    }

    private static async Task<string[]> FindAsync(Api api, string q)
    {
        var page = await Expect.JsonAsync(await api.GetAsync("/api/v1/contacts?q=" + Uri.EscapeDataString(q)), HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().Select(c => c.Str("last_name")).Order().ToArray();
    }

    [Theory]
    [InlineData("06 12 34 56 78")]
    [InlineData("0612345678")]
    [InlineData("06.12.34.56.78")]
    [InlineData("+33 6 12 34 56 78")]
    [InlineData("+33612345678")]
    [InlineData("0033612345678")]
    [InlineData("0033 6 12 34 56 78")]
    [InlineData("12 34 56 78")]
    [InlineData("345678")]
    public async Task AFrenchMobileIsFoundHoweverItIsTyped(string q)
    {
        var (_, api) = await AgencyWithContactsAsync();
        Assert.Equal(["Lefèvre"], await FindAsync(api, q));
    }

    [Theory]
    [InlineData("0692 12 34 56")]
    [InlineData("+262 692 12 34 56")]
    [InlineData("00262692123456")]
    [InlineData("692123456")]
    public async Task AnOverseasMobileIsFoundInItsNationalAndInternationalWritings(string q)
    {
        var (_, api) = await AgencyWithContactsAsync();
        Assert.Equal(["Hoarau"], await FindAsync(api, q));
    }

    [Theory]
    [InlineData("Helene", "Lefèvre")]
    [InlineData("HÉLÈNE", "Lefèvre")]
    [InlineData("lefevre", "Lefèvre")]
    [InlineData("helene lefevre", "Lefèvre")]
    [InlineData("jean pierre", "N'Diaye")]
    [InlineData("ndiaye", "N'Diaye")] // its address
    [InlineData("n'diaye", "N'Diaye")]
    [InlineData("hoarau@example", "Hoarau")]
    [InlineData("helene martin", null)]
    [InlineData("paul.hoarau@example.re", "Hoarau")]
    public async Task NamesAndAddressesAreFoundWithoutAccentsOrCase(string q, string? expected)
    {
        var (_, api) = await AgencyWithContactsAsync();
        Assert.Equal(expected is null ? [] : [expected], await FindAsync(api, q));
    }

    [Fact]
    public async Task AContactSavedBeforeTheSearchKeyExistedIsFoundAfterStartUp()
    {
        var (agencyId, api) = await AgencyWithContactsAsync();
        // As the migration leaves existing rows: an empty key.
        await app.DbAsync(db => db.Contacts.IgnoreQueryFilters().Where(c => c.AgencyId == agencyId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.SearchKey, ""), CancellationToken.None));
        Assert.Empty(await FindAsync(api, "Helene"));

        await app.DbAsync(db => ContactSearchKeys.BackfillAsync(db, CancellationToken.None));

        Assert.Equal(["Lefèvre"], await FindAsync(api, "Helene"));
        Assert.Equal(["Lefèvre"], await FindAsync(api, "+33 6 12 34 56 78"));
    }

    [Fact]
    public async Task AnEditedMobileIsFoundByItsNewNumberOnly()
    {
        var (_, api) = await app.CreateAgencyAsync("Agence Recherche " + Guid.NewGuid().ToString("N")[..6]);
        var contact = await api.CreateContactAsync("Luc", "Moreau", "luc.moreau@example.fr", "06 11 11 11 11");
        await Expect.JsonAsync(await api.PatchAsync($"/api/v1/contacts/{contact.Str("id")}", new
        {
            first_name = "Luc", last_name = "Moreau", email = "luc.moreau@example.fr", mobile = "06 22 22 22 22",
        }), HttpStatusCode.OK);

        Assert.Equal(["Moreau"], await FindAsync(api, "06 22 22 22 22"));
        Assert.Empty(await FindAsync(api, "06 11 11 11 11"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ContactSearchByAnyWritingOnSqlite(SqliteApp app) : ContactSearchByAnyWriting(app);

[Collection(PostgresCollection.Name)]
public sealed class ContactSearchByAnyWritingOnPostgres(PostgresApp app) : ContactSearchByAnyWriting(app);
