using System.Net;
using Microsoft.EntityFrameworkCore;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Agencies;

/// <summary>The agency's identity, SMS sender, defaults and API keys through the API; every change in the journal, no secret in it.</summary>
public abstract class AgencyIdentityAndKeys(ParapheApp app)
{
    [Theory]
    [InlineData("AgenceDuPort", "11 caractères au plus")]
    [InlineData("AB", "Au moins 3")]
    [InlineData("0612345678", "Au moins une lettre")]
    [InlineData("12345", "Au moins une lettre")]
    [InlineData("Agence Port", "Pas d'espace")]
    [InlineData("Immobilière", "Immobiliere")]
    [InlineData("Port-Immo", "Lettres sans accent et chiffres")]
    [InlineData("INFO", "générique")]
    [InlineData("sms", "générique")]
    [InlineData("Agence", "générique")]
    [InlineData("", "obligatoire")]
    public async Task AnSmsSenderTheOperatorsWouldRefuseIsRefusedWithTheReason(string sender, string reason)
    {
        var agency = await TestAgency.CreateAsync(app);
        var before = (await Expect.JsonAsync(await agency.Api.GetAsync("/api/v1/agency"), HttpStatusCode.OK)).Str("sms_sender");
        var problem = await Expect.ProblemAsync(await agency.Api.PatchAsync("/api/v1/agency", new { sms_sender = sender }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains(reason, string.Join(" ", problem.GetProperty("errors").GetProperty("sms_sender").EnumerateArray().Select(e => e.GetString())),
            StringComparison.Ordinal);
        Assert.Equal(before, (await Expect.JsonAsync(await agency.Api.GetAsync("/api/v1/agency"), HttpStatusCode.OK)).Str("sms_sender"));
    }

    [Theory]
    [InlineData("PortImmo")]
    [InlineData("Agence44")]
    [InlineData("ABC")]
    [InlineData("AgenceDuPor")]
    [InlineData("3F")] // too short on purpose: see the next assertion
    public async Task AnSmsSenderOperatorsAcceptIsSavedAndUsedByTheSmsProviders(string sender)
    {
        var agency = await TestAgency.CreateAsync(app);
        var response = await agency.Api.PatchAsync("/api/v1/agency", new { sms_sender = sender });
        if (sender.Length < 3)
        {
            await Expect.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
            return;
        }
        Assert.Equal(sender, (await Expect.JsonAsync(response, HttpStatusCode.OK)).Str("sms_sender"));
        // What the SMS providers put as the sender.
        Assert.Equal(sender, Paraphe.Web.Features.Notifications.Sms.SmsSenderName.Pick(sender, "Paraphe"));
    }

    [Fact]
    public async Task TheIdentityIsSavedTheDefaultsApplyToNewProceduresAndEachChangeIsJournalled()
    {
        var agency = await TestAgency.CreateAsync(app);
        var updated = await Expect.JsonAsync(await agency.Api.PatchAsync("/api/v1/agency", new
        {
            name = "Agence du Port", address = "12 quai de la Fosse, 44000 Nantes", professional_card = "CPI 4401 2024 000 012 345",
            default_reminders = new { interval_days = 5, max = 1 }, default_expires_in_days = 10,
        }), HttpStatusCode.OK);
        Assert.Equal(("Agence du Port", "12 quai de la Fosse, 44000 Nantes", "CPI 4401 2024 000 012 345", 10),
            (updated.Str("name"), updated.Str("address"), updated.Str("professional_card"), updated.GetProperty("default_expires_in_days").GetInt32()));
        Assert.Equal(5, updated.GetProperty("default_reminders").GetProperty("interval_days").GetInt32());

        // Left out of the request: the agency's defaults. Given: what the request says.
        var document = await agency.Api.UploadPdfAsync();
        var defaulted = await Expect.JsonAsync(await agency.Api.CreateProcedureRawAsync(new { document_id = document.Str("id"), mode = "remote" }),
            HttpStatusCode.Created);
        var given = await Expect.JsonAsync(await agency.Api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", expires_in_days = 20, reminders = new { interval_days = 3, max = 2 },
        }), HttpStatusCode.Created);
        var options = await app.DbAsync(async db => await db.Procedures.IgnoreQueryFilters()
            .Where(p => p.Id == defaulted.Str("id") || p.Id == given.Str("id"))
            .ToDictionaryAsync(p => p.Id, p => (p.ExpiresInDays, p.ReminderIntervalDays, p.ReminderMax)));
        Assert.Equal((10, 5, 1), options[defaulted.Str("id")]);
        Assert.Equal((20, 3, 2), options[given.Str("id")]);

        await Expect.ProblemAsync(await agency.Api.PatchAsync("/api/v1/agency", new { default_expires_in_days = 0, default_reminders = new { interval_days = 1 } }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        var same = await Expect.JsonAsync(await agency.Api.PatchAsync("/api/v1/agency", new { name = "Agence du Port" }), HttpStatusCode.OK);
        Assert.Equal("Agence du Port", same.Str("name"));

        var changes = (await agency.EventsAsync()).Where(e => e.Str("kind") == "agency.updated").ToList();
        var change = Assert.Single(changes); // a refused change and a change to the same value write nothing
        Assert.StartsWith("api_key:", change.Str("actor"), StringComparison.Ordinal);
        Assert.Contains("carte professionnelle : (vide) → « CPI 4401 2024 000 012 345 »", change.Str("detail"), StringComparison.Ordinal);
        Assert.Contains("validité (jours) : « 30 » → « 10 »", change.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEvidencePageNamesTheAgencyItsAddressAndItsProfessionalCard()
    {
        var agency = await TestAgency.CreateAsync(app);
        await Expect.JsonAsync(await agency.Api.PatchAsync("/api/v1/agency", new
        {
            name = "Agence du Port", address = "12 quai de la Fosse, 44000 Nantes", professional_card = "CPI 4401 2024 000 012 345",
        }), HttpStatusCode.OK);
        var (id, _) = await agency.Api.CompletedInPersonAsync();
        await agency.Api.WaitForSealedAsync(id);
        var pdf = await (await agency.Api.GetAsync($"/api/v1/procedures/{id}/signed-document")).Content.ReadAsByteArrayAsync();
        var evidence = string.Join(" ", (await Paraphe.Testing.PdfText.PagesAsync(pdf))[^1].Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Agence du Port", evidence, StringComparison.Ordinal);
        Assert.Contains("12 quai de la Fosse, 44000 Nantes", evidence, StringComparison.Ordinal);
        Assert.Contains("CPI 4401 2024 000 012 345", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApiKeyIsShownOnceAnswers401AtOnceWhenRevokedAndShowsItsLastUse()
    {
        var agency = await TestAgency.CreateAsync(app);
        var created = await Expect.JsonAsync(await agency.Api.PostAsync("/api/v1/api-keys", new { name = "Logiciel de transaction" }), HttpStatusCode.Created);
        var key = created.Str("key");
        Assert.StartsWith("pk_", key, StringComparison.Ordinal);
        var list = await Expect.JsonAsync(await agency.Api.GetAsync("/api/v1/api-keys"), HttpStatusCode.OK);
        Assert.Equal(2, list.GetArrayLength());
        Assert.DoesNotContain(key, list.GetRawText(), StringComparison.Ordinal);
        var listed = list.EnumerateArray().Single(k => k.Str("id") == created.Str("id"));
        Assert.True(listed.IsNull("last_used_at"));
        Assert.False(await app.DbAsync(db => db.ApiKeys.AnyAsync(k => k.Hash == key)), "Only the key's hash is stored.");

        // Used: its last use appears; used again within the minute: not written again.
        var integrator = new Api(app, key);
        Assert.Equal(HttpStatusCode.OK, (await integrator.GetAsync("/api/v1/contacts")).StatusCode);
        var first = await app.DbAsync(db => db.ApiKeys.Where(k => k.Id == created.Str("id")).Select(k => k.LastUsedAt).SingleAsync());
        Assert.NotNull(first);
        Assert.Equal(HttpStatusCode.OK, (await integrator.GetAsync("/api/v1/contacts")).StatusCode);
        Assert.Equal(first, await app.DbAsync(db => db.ApiKeys.Where(k => k.Id == created.Str("id")).Select(k => k.LastUsedAt).SingleAsync()));
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, (await integrator.GetAsync("/api/v1/contacts")).StatusCode);
        Assert.True(await app.DbAsync(db => db.ApiKeys.Where(k => k.Id == created.Str("id")).Select(k => k.LastUsedAt).SingleAsync()) > first);

        // Several keys: revoking one leaves the other working; the revoked one answers 401 on the very next request.
        var revoked = await Expect.JsonAsync(await agency.Api.DeleteAsync($"/api/v1/api-keys/{created.Str("id")}"), HttpStatusCode.OK);
        Assert.False(revoked.IsNull("revoked_at"));
        await Expect.ProblemAsync(await integrator.GetAsync("/api/v1/contacts"), HttpStatusCode.Unauthorized, "unauthorized");
        await Expect.ProblemAsync(await integrator.GetAsync("/api/v1/users"), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.OK, (await agency.Api.GetAsync("/api/v1/contacts")).StatusCode);
        await Expect.ProblemAsync(await agency.Api.PostAsync("/api/v1/api-keys", new { name = "  " }), HttpStatusCode.UnprocessableEntity, "validation_failed");

        var journal = await agency.EventsAsync();
        Assert.Contains(journal, e => e.Str("kind") == "api_key.created" && e.Str("detail").Contains("Logiciel de transaction", StringComparison.Ordinal));
        Assert.Contains(journal, e => e.Str("kind") == "api_key.revoked");
        Assert.DoesNotContain(key, string.Join("\n", journal.Select(e => e.GetRawText())), StringComparison.Ordinal);
        Assert.DoesNotContain(key[8..], await app.DbAsync(async db => string.Join("\n",
            await db.SecurityEvents.Where(e => e.AgencyId == agency.Id).Select(e => e.Detail ?? "").ToListAsync())), StringComparison.Ordinal);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AgencyIdentityAndKeysOnSqlite(SqliteApp app) : AgencyIdentityAndKeys(app);

[Collection(PostgresCollection.Name)]
public sealed class AgencyIdentityAndKeysOnPostgres(PostgresApp app) : AgencyIdentityAndKeys(app);
