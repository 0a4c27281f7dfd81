using System.Net;
using System.Text.Json;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Notifications;

/// <summary>A contact's `language` ("fr" by default, "en") decides the language of the messages its signer receives.</summary>
public abstract class SignerLanguage(ParapheApp app)
{
    private readonly Api api = app.Api();

    private async Task<JsonElement> ContactAsync(string first, string last, string? language) =>
        await Expect.JsonAsync(await api.PostAsync("/api/v1/contacts", new
        {
            first_name = first, last_name = last, email = Api.UniqueEmail(first, last), mobile = Api.UniqueMobile(), language,
        }), HttpStatusCode.Created);

    private async Task<JsonElement> LaunchForAsync(JsonElement contact)
    {
        var document = await api.UploadPdfAsync("Lease - 4 rue des Lilas");
        return await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", launch = true,
            signers = new[] { new { contact_id = contact.Str("id"), role = "locataire" } },
        }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task AnEnglishSpeakingContactReceivesTheEnglishInvitationByEmailAndSms()
    {
        var contact = await ContactAsync("John", "Smith", "en");
        Assert.Equal("en", contact.Str("language"));

        var procedure = await LaunchForAsync(contact);

        Assert.Equal("en", procedure.Signers()[0].Str("language"));
        var email = (await api.WaitForOutboxAsync(contact.Str("email")))[0];
        Assert.Contains("invites you to sign", email.Str("subject"), StringComparison.Ordinal);
        Assert.StartsWith("Hello John,", email.Str("body"), StringComparison.Ordinal);
        Assert.Single(email.Arr("links"));
        var sms = (await api.WaitForOutboxAsync(contact.Str("mobile")))[0];
        Assert.Contains(": please sign \"Lease - 4 rue des Lilas\" http", sms.Str("body"), StringComparison.Ordinal);
        Assert.Equal((1, "gsm7"), (sms.GetProperty("sms_segments").GetInt32(), sms.Str("sms_encoding")));
        Assert.True(email.IsNull("sms_segments"));
    }

    [Fact]
    public async Task AContactIsFrenchUnlessToldOtherwise()
    {
        var contact = await ContactAsync("Jeanne", "Durand", null);
        Assert.Equal("fr", contact.Str("language"));

        await LaunchForAsync(contact);

        var email = (await api.WaitForOutboxAsync(contact.Str("email")))[0];
        Assert.Contains("vous invite à signer", email.Str("subject"), StringComparison.Ordinal);
        var sms = (await api.WaitForOutboxAsync(contact.Str("mobile")))[0];
        Assert.Contains("à signer http", sms.Str("body"), StringComparison.Ordinal);
        Assert.Equal((1, "gsm7"), (sms.GetProperty("sms_segments").GetInt32(), sms.Str("sms_encoding")));
    }

    [Fact]
    public async Task ChangingTheLanguageOfAContactKeepsItsOtherFields()
    {
        var contact = await ContactAsync("Anna", "Schmidt", null);

        var patched = await Expect.JsonAsync(await api.PatchAsync($"/api/v1/contacts/{contact.Str("id")}", new { language = "EN" }),
            HttpStatusCode.OK);

        Assert.Equal(("en", contact.Str("email"), contact.Str("mobile")), (patched.Str("language"), patched.Str("email"), patched.Str("mobile")));
        var untouched = await Expect.JsonAsync(await api.PatchAsync($"/api/v1/contacts/{contact.Str("id")}", new { first_name = "Anne" }),
            HttpStatusCode.OK);
        Assert.Equal("en", untouched.Str("language"));
    }

    [Fact]
    public async Task AnUnknownLanguageIsRefused()
    {
        var created = await Expect.ProblemAsync(await api.PostAsync("/api/v1/contacts", new
        {
            first_name = "Hans", last_name = "Müller", email = Api.UniqueEmail("Hans", "Muller"), mobile = Api.UniqueMobile(), language = "de",
        }), HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["language"], Expect.ErrorKeys(created));

        var contact = await ContactAsync("Hans", "Müller", "fr");
        var patched = await Expect.ProblemAsync(await api.PatchAsync($"/api/v1/contacts/{contact.Str("id")}", new { language = "english" }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["language"], Expect.ErrorKeys(patched));
        Assert.Equal("fr", (await Expect.JsonAsync(await api.GetAsync($"/api/v1/contacts/{contact.Str("id")}"), HttpStatusCode.OK)).Str("language"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SignerLanguageOnSqlite(SqliteApp app) : SignerLanguage(app);

[Collection(PostgresCollection.Name)]
public sealed class SignerLanguageOnPostgres(PostgresApp app) : SignerLanguage(app);
