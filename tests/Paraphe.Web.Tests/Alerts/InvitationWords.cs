using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Agencies;
using Paraphe.Web.Tests.Agencies;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Alerts;

/// <summary>
/// The procedure's agent (`agent_user_id`) and the personal message (`message`): checked on the API, carried by the
/// invitations — the message quoted and escaped in the email, never in the SMS; the agent's name and phone in both.
/// </summary>
public abstract class InvitationWords(ParapheApp app)
{
    private readonly Api api = app.Api();

    private async Task<(JsonElement Document, JsonElement Contact)> InputsAsync(Api who)
    {
        var document = await who.UploadPdfAsync("Mandat de vente");
        var contact = await who.CreateContactAsync("Jeanne", "Invitée");
        return (document, contact);
    }

    private static object Body(JsonElement document, JsonElement contact, string? agent = null, string? message = null) => new
    {
        document_id = document.Str("id"), mode = "remote", agent_user_id = agent, message,
        signers = new[] { new { contact_id = contact.Str("id"), role = "vendeur" } },
    };

    [Fact]
    public async Task TheAgentIsAUserOfTheAgencyAndByDefaultNobodyForAnApiKey()
    {
        var (document, contact) = await InputsAsync(api);
        var byKey = await Expect.JsonAsync(await api.CreateProcedureRawAsync(Body(document, contact)), HttpStatusCode.Created);
        Assert.True(byKey.IsNull("agent_user_id"));

        var unknown = await Expect.ProblemAsync(await api.CreateProcedureRawAsync(Body(document, contact, agent: "usr_nobody")),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["agent_user_id"], Expect.ErrorKeys(unknown));
        var (otherAgency, _) = await app.CreateAgencyAsync($"Agence Autre {Guid.NewGuid():N}"[..20]);
        var stranger = await app.CreateUserAsync(otherAgency, UserRole.Negotiator);
        var foreign = await Expect.ProblemAsync(await api.CreateProcedureRawAsync(Body(document, contact, agent: stranger)),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["agent_user_id"], Expect.ErrorKeys(foreign));

        var agent = await app.CreateUserAsync(await app.DemoAgencyIdAsync(), UserRole.Negotiator);
        var named = await Expect.JsonAsync(await api.CreateProcedureRawAsync(Body(document, contact, agent: agent)), HttpStatusCode.Created);
        Assert.Equal(agent, named.Str("agent_user_id"));
        var patched = await Expect.JsonAsync(await api.PatchAsync($"/api/v1/procedures/{byKey.Str("id")}", new { agent_user_id = agent, message = "Merci !" }),
            HttpStatusCode.OK);
        Assert.Equal((agent, "Merci !"), (patched.Str("agent_user_id"), patched.Str("message")));
    }

    [Fact]
    public async Task AMessageOverItsLimitOrWithAControlCharacterIsRefusedNamingTheField()
    {
        var (document, contact) = await InputsAsync(api);
        var tooLong = await Expect.ProblemAsync(await api.CreateProcedureRawAsync(Body(document, contact, message: new string('a', 501))),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["message"], Expect.ErrorKeys(tooLong));
        var control = await Expect.ProblemAsync(await api.CreateProcedureRawAsync(Body(document, contact, message: "Bonjour\u0007")),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["message"], Expect.ErrorKeys(control));
        var fits = await Expect.JsonAsync(await api.CreateProcedureRawAsync(Body(document, contact, message: new string('a', 500))), HttpStatusCode.Created);
        Assert.Equal(500, fits.Str("message").Length);
    }

    [Fact]
    public async Task TheInvitationEndsWithTheAgencysAddressAndProfessionalCard()
    {
        var agency = await TestAgency.CreateAsync(app);
        await Expect.JsonAsync(await agency.Api.PatchAsync("/api/v1/agency", new
        {
            name = "Agence du Port", address = "12 quai de la Fosse, 44000 Nantes", professional_card = "CPI 4401 2024 000 012 345",
        }), HttpStatusCode.OK);
        var (document, contact) = await InputsAsync(agency.Api);
        var draft = await Expect.JsonAsync(await agency.Api.CreateProcedureRawAsync(Body(document, contact, message: "À vendredi.")), HttpStatusCode.Created);
        await agency.Api.LaunchAsync(draft.Str("id"));
        var text = (await agency.Api.WaitForOutboxAsync(contact.Str("email")))[0].Str("body");
        Assert.Contains("Message de l'Agence du Port :\n> À vendredi.", text, StringComparison.Ordinal); // no agent (an API key): the agency, elided
        Assert.Contains("Votre contact : Agence du Port.\nAgence du Port · 12 quai de la Fosse, 44000 Nantes · Carte professionnelle CPI 4401 2024 000 012 345",
            text, StringComparison.Ordinal);

        // Without them (the demo agency's invitations), no line of identity.
        var (plainDocument, plainContact) = await InputsAsync(api);
        await api.LaunchAsync((await Expect.JsonAsync(await api.CreateProcedureRawAsync(Body(plainDocument, plainContact)), HttpStatusCode.Created)).Str("id"));
        Assert.DoesNotContain("Carte professionnelle", (await api.WaitForOutboxAsync(plainContact.Str("email")))[0].Str("body"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheInvitationQuotesTheMessageEscapedAndNamesTheAgentWithTheirPhoneInTheEmailAndTheSms()
    {
        var agent = await app.CreateUserAsync(await app.DemoAgencyIdAsync(), UserRole.Negotiator); // Paul Agent, +33611223344
        var (document, contact) = await InputsAsync(api);
        const string message = "Bonjour Jeanne,\n<b>Signez</b> avant vendredi & appelez-moi.";
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(Body(document, contact, agent, message)), HttpStatusCode.Created);
        Assert.Equal(message, draft.Str("message"));
        await api.LaunchAsync(draft.Str("id"));

        var email = (await api.WaitForOutboxAsync(contact.Str("email")))[0];
        var text = email.Str("body");
        Assert.Contains("Message de Paul Agent :\n> Bonjour Jeanne,\n> <b>Signez</b> avant vendredi & appelez-moi.", text, StringComparison.Ordinal);
        Assert.Contains("Votre contact à l'agence : Paul Agent, 06 11 22 33 44", text, StringComparison.Ordinal);
        var html = await app.DbAsync(db => db.CapturedMessages.IgnoreQueryFilters().Where(m => m.Id == email.Str("id")).Select(m => m.Html).SingleAsync());
        Assert.Contains("&lt;b&gt;Signez&lt;/b&gt; avant vendredi &amp; appelez-moi.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Signez", html, StringComparison.Ordinal);
        Assert.Contains("Bonjour Jeanne,<br>", html, StringComparison.Ordinal);

        var sms = (await api.WaitForOutboxAsync(contact.Str("mobile")))[0];
        Assert.Contains("0611223344", sms.Str("body"), StringComparison.Ordinal);
        Assert.DoesNotContain("Signez", sms.Str("body"), StringComparison.Ordinal); // the message is the email's
        Assert.Equal(1, sms.GetProperty("sms_segments").GetInt32());
    }

    [Fact]
    public async Task ARelaunchKeepsTheAgentAndTheMessage()
    {
        var agent = await app.CreateUserAsync(await app.DemoAgencyIdAsync(), UserRole.Negotiator);
        var (document, contact) = await InputsAsync(api);
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(Body(document, contact, agent, "À signer avant lundi.")), HttpStatusCode.Created);
        var id = (await api.LaunchAsync(draft.Str("id"))).Str("id");
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/cancel", new { reason = "Erreur de prix" }), HttpStatusCode.OK);
        var next = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/relaunch", new { launch = false }), HttpStatusCode.Created);
        Assert.Equal((agent, "À signer avant lundi."), (next.Str("agent_user_id"), next.Str("message")));
    }

    [Fact]
    public async Task WithoutAnAgentTheInvitationNamesTheAgency()
    {
        var (document, contact) = await InputsAsync(api);
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(Body(document, contact)), HttpStatusCode.Created);
        await api.LaunchAsync(draft.Str("id"));
        var text = (await api.WaitForOutboxAsync(contact.Str("email")))[0].Str("body");
        Assert.Contains("Votre contact : ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Message de", text, StringComparison.Ordinal);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class InvitationWordsOnSqlite(SqliteApp app) : InvitationWords(app);

[Collection(PostgresCollection.Name)]
public sealed class InvitationWordsOnPostgres(PostgresApp app) : InvitationWords(app);
