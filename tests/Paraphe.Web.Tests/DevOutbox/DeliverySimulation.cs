using System.Net;
using System.Text.Json;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.DevOutbox;

/// <summary>
/// The dev outbox plays a provider's delivery events on a captured message, through the domain transitions, so that
/// each diagnosis can be reached by hand: what the API then says about the signer is what a real event would give.
/// </summary>
public abstract class DeliverySimulation(ParapheApp app)
{
    private readonly Api api = app.Api();

    private async Task<(string ProcedureId, JsonElement Contact, JsonElement Email, JsonElement Sms)> LaunchedAsync()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var email = (await api.WaitForOutboxAsync(contacts[0].Str("email")))[0];
        var sms = (await api.WaitForOutboxAsync(contacts[0].Str("mobile")))[0];
        return (procedure.Str("id"), contacts[0], email, sms);
    }

    private Task<HttpResponseMessage> Simulate(JsonElement message, string evt) =>
        api.PostAsync($"/api/v1/dev/outbox/{message.Str("id")}/events", new { @event = evt });

    private async Task<JsonElement> SignerAsync(string procedureId) => (await api.ProcedureAsync(procedureId)).Signers()[0];

    private static string[] Codes(JsonElement signer) => signer.Arr("diagnosis").Select(d => d.Str("code")).ToArray();

    [Fact]
    public async Task DeliveredIsReceivedOnlyOnceTheLinkIsOpenedAndNotOpenedIsSaidOnlyAfter24Hours()
    {
        var (id, contact, email, _) = await LaunchedAsync();

        var result = await Expect.JsonAsync(await Simulate(email, "delivered"), HttpStatusCode.OK);
        Assert.Equal(("delivered", email.Str("notification_id")), (result.Str("status"), result.Str("notification_id")));

        var signer = await SignerAsync(id);
        var notification = signer.Arr("notifications").Single(n => n.Str("id") == email.Str("notification_id"));
        Assert.Equal("delivered", notification.Str("status"));
        Assert.Contains(notification.Arr("events"), e => e.Str("status") == "delivered");
        Assert.DoesNotContain("received", Codes(signer));
        Assert.DoesNotContain("email_not_opened", Codes(signer));
        Assert.DoesNotContain(signer.Arr("diagnosis"), d => d.Str("severity") == "error");

        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(5));
        var unopened = (await SignerAsync(id)).Arr("diagnosis").Single(d => d.Str("code") == "email_not_opened");
        Assert.Equal(("warning", "remind"), (unopened.Str("severity"), unopened.Str("action_kind")));

        var token = await api.SigningTokenAsync(contact.Str("email"));
        await Expect.JsonAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK);
        Assert.Equal(["received"], Codes(await SignerAsync(id)));
    }

    [Theory]
    [InlineData("email", "bounced", "email_hard_bounce", "correct_and_relaunch", "failed")]
    [InlineData("email", "blocked", "email_blocked", "correct_and_relaunch", "failed")]
    [InlineData("email", "deferred", "email_deferred", "wait", "deferred")]
    [InlineData("sms", "unknown_number", "sms_unknown_number", "correct_and_relaunch", "failed")]
    [InlineData("sms", "undelivered", "sms_failed", null, "failed")]
    public async Task EachEventGivesItsDiagnosis(string channel, string evt, string code, string? actionKind, string status)
    {
        var (id, _, email, sms) = await LaunchedAsync();
        var message = channel == "sms" ? sms : email;

        var result = await Expect.JsonAsync(await Simulate(message, evt), HttpStatusCode.OK);

        Assert.Equal(status, result.Str("status"));
        var signer = await SignerAsync(id);
        Assert.Equal(status, signer.Arr("notifications").Single(n => n.Str("id") == message.Str("notification_id")).Str("status"));
        var finding = signer.Arr("diagnosis").Single(d => d.Str("code") == code);
        if (actionKind is not null) Assert.Equal(actionKind, finding.StrOrNull("action_kind"));
        if (evt is "bounced" or "unknown_number") Assert.Equal("error", finding.Str("severity"));
        if (evt == "deferred") Assert.Equal("warning", finding.Str("severity"));
    }

    [Fact]
    public async Task AFinalMessageRefusesAnyFurtherEvent()
    {
        var (id, _, email, _) = await LaunchedAsync();
        await Expect.JsonAsync(await Simulate(email, "bounced"), HttpStatusCode.OK);

        await Expect.ProblemAsync(await Simulate(email, "delivered"), HttpStatusCode.Conflict, "invalid_transition");
        await Expect.ProblemAsync(await Simulate(email, "deferred"), HttpStatusCode.Conflict, "invalid_transition");

        var signer = await SignerAsync(id);
        Assert.Equal("failed", signer.Arr("notifications").Single(n => n.Str("id") == email.Str("notification_id")).Str("status"));
        Assert.Contains("email_hard_bounce", Codes(signer));
    }

    [Fact]
    public async Task AnUnknownEventOrOneOfTheOtherChannelIsRefusedAndChangesNothing()
    {
        var (id, _, email, sms) = await LaunchedAsync();

        var problem = await Expect.ProblemAsync(await Simulate(email, "exploded"), HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains("event", Expect.ErrorKeys(problem));
        await Expect.ProblemAsync(await Simulate(sms, "bounced"), HttpStatusCode.UnprocessableEntity, "validation_failed");
        await Expect.ProblemAsync(await Simulate(email, "unknown_number"), HttpStatusCode.UnprocessableEntity, "validation_failed");
        await Expect.ProblemAsync(await api.PostAsync("/api/v1/dev/outbox/cap_nope/events", new { @event = "delivered" }),
            HttpStatusCode.NotFound, "not_found");

        var signer = await SignerAsync(id);
        Assert.DoesNotContain(signer.Arr("notifications"), n => n.Str("status") is "failed" or "delivered" or "deferred");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class DeliverySimulationOnSqlite(SqliteApp app) : DeliverySimulation(app);

[Collection(PostgresCollection.Name)]
public sealed class DeliverySimulationOnPostgres(PostgresApp app) : DeliverySimulation(app);
