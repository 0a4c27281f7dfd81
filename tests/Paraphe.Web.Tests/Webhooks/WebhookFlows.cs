using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Webhooks;

/// <summary>
/// Integrators receive every event of the real flows (launch, opening the link, signing, completion, seal, refusal,
/// cancellation, a signer unreachable after a hard bounce and an unknown number), signed so that the StandardWebhooks
/// library verifies them, with the procedure as `GET /procedures/{id}` showed it at the event; replays keep the webhook-id.
/// </summary>
public abstract class WebhookFlows(ParapheApp app) : IAsyncLifetime
{
    private WebhookReceiver receiver = null!;
    private readonly Api api = app.Api();

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        WebhookApp.CatchUp(app);
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private static async Task<(string Id, JsonElement Contact)> LaunchedAsync(Api api, string title)
    {
        var document = await api.UploadPdfAsync(title);
        var contact = await api.CreateContactAsync("Jeanne", "Webhook", Api.UniqueEmail("jeanne", "webhook"), Api.UniqueMobile());
        var draft = await api.CreateProcedureAsync(document.Str("id"), "remote", contact.Str("id"));
        return ((await api.LaunchAsync(draft.Str("id"))).Str("id"), contact);
    }

    [Fact]
    public async Task ASignedProcedureSendsEachOfItsEventsVerifiedByTheStandardLibraryWithTheProcedureAtThatMoment()
    {
        var (webhookId, path, secret) = await Hooks.CreateAsync(api, receiver);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret[6..]).Length);
        var (id, contact) = await LaunchedAsync(api, "Compromis rue des Crochets");
        var token = await api.SigningTokenAsync(contact.Str("email"));
        await Expect.JsonAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK);
        await Expect.JsonAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign",
            JsonContent.Create(new { consent = true, typed_name = "Jeanne Webhook" })), HttpStatusCode.OK);
        await api.WaitForSealedAsync(id);

        string[] expected = ["procedure.launched", "signer.opened", "signer.signed", "procedure.completed", "procedure.sealed"];
        var got = await Hooks.WaitAsync(receiver, path, r => expected.All(t => r.Any(x => Hooks.Type(x) == t)), string.Join(", ", expected));
        // Deliveries are sent side by side: events of one save (signed and completed) may arrive in either order.
        Assert.Equal(expected.Order(), got.Select(Hooks.Type).Order());
        foreach (var r in got)
        {
            Assert.True(WebhookReceiver.Verify(r, secret, out var error), $"{Hooks.Type(r)}: {error}");
            Assert.True(WebhookReceiver.VerifyByHand(r, secret));
            Assert.StartsWith("application/json", r.ContentType, StringComparison.Ordinal);
            Assert.StartsWith("msg_", r.WebhookId, StringComparison.Ordinal);
            var body = JsonDocument.Parse(r.Body).RootElement;
            Assert.EndsWith("Z", body.Str("timestamp"), StringComparison.Ordinal);
            Assert.Equal(id, body.GetProperty("data").Str("id"));
        }
        Assert.Equal(got.Length, got.Select(r => r.WebhookId).Distinct().Count());
        // The state at each event, not at the send.
        var data = got.ToDictionary(Hooks.Type, Hooks.Data);
        Assert.Equal("ongoing", data["procedure.launched"].Str("status"));
        Assert.Equal("pending", data["procedure.launched"].Signers()[0].Str("status"));
        Assert.False(data["signer.opened"].Signers()[0].IsNull("opened_at"));
        var signerId = data["procedure.launched"].Signers()[0].Str("id");
        Assert.Equal(signerId, data["signer.signed"].Str("signer_id"));
        Assert.Equal("signed", data["signer.signed"].Signers()[0].Str("status"));
        Assert.Equal("completed", data["procedure.completed"].Str("status"));
        Assert.True(data["procedure.completed"].IsNull("sealed_at"));
        Assert.False(data["procedure.sealed"].IsNull("sealed_at"));
        Assert.False(data["procedure.launched"].TryGetProperty("signer_id", out _));

        // The log shows each delivery: delivered at the first attempt, its status code and timing.
        var log = await Hooks.WaitForDeliveryAsync(api, webhookId, d => d.Str("type") == "procedure.sealed" && d.Str("status") == "delivered", "delivered");
        Assert.Equal((1, 204), (log.GetProperty("attempts").GetInt32(), log.GetProperty("status_code").GetInt32()));
        Assert.True(log.GetProperty("duration_ms").GetInt32() >= 0);
        Assert.True(log.IsNull("next_attempt_at"));
        Assert.Equal(5, (await Hooks.DeliveriesAsync(api, webhookId)).Count(d => d.Str("procedure_id") == id));
    }

    [Fact]
    public async Task ARefusalACancellationAndAnUnreachableSignerAreEachDelivered()
    {
        var (_, path, secret) = await Hooks.CreateAsync(api, receiver,
            "signer.declined", "procedure.declined", "procedure.cancelled", "signer.unreachable");
        var (declined, declinedContact) = await LaunchedAsync(api, "Bail refusé");
        var token = await api.SigningTokenAsync(declinedContact.Str("email"));
        await Expect.JsonAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/decline",
            JsonContent.Create(new { reason = "Le loyer a changé" })), HttpStatusCode.OK);
        var (cancelled, _) = await LaunchedAsync(api, "Mandat annulé");
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{cancelled}/cancel", new { reason = "Vendu" }), HttpStatusCode.OK);
        var (unreachable, contact) = await LaunchedAsync(api, "Compromis injoignable");
        var email = (await api.WaitForOutboxAsync(contact.Str("email")))[0];
        var sms = (await api.WaitForOutboxAsync(contact.Str("mobile")))[0];
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/dev/outbox/{email.Str("id")}/events", new { @event = "bounced" }), HttpStatusCode.OK);
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/dev/outbox/{sms.Str("id")}/events", new { @event = "unknown_number" }), HttpStatusCode.OK);

        string[] expected = ["signer.declined", "procedure.declined", "procedure.cancelled", "signer.unreachable"];
        var got = await Hooks.WaitAsync(receiver, path, r => expected.All(t => r.Any(x => Hooks.Type(x) == t)), string.Join(", ", expected));
        Assert.Equal(4, got.Length); // nothing else was subscribed
        foreach (var r in got) Assert.True(WebhookReceiver.Verify(r, secret, out var error), error);
        var data = got.ToDictionary(Hooks.Type, Hooks.Data);
        Assert.Equal((declined, "declined", "Le loyer a changé"), (data["procedure.declined"].Str("id"), data["procedure.declined"].Str("status"),
            data["signer.declined"].Signers()[0].Str("decline_reason")));
        Assert.Equal((cancelled, "cancelled"), (data["procedure.cancelled"].Str("id"), data["procedure.cancelled"].Str("status")));
        Assert.Equal(unreachable, data["signer.unreachable"].Str("id"));
        Assert.Equal(data["signer.unreachable"].Signers()[0].Str("id"), data["signer.unreachable"].Str("signer_id"));
        Assert.Contains(data["signer.unreachable"].Signers()[0].Arr("notifications"), n => n.Str("status") == "failed" && n.Str("channel") == "sms");
    }

    [Fact]
    public async Task AReplayIsANewDeliveryOfTheSameEventAndTheReceiverKeepsItOnce()
    {
        var (webhookId, path, secret) = await Hooks.CreateAsync(api, receiver, "procedure.launched");
        var (id, _) = await LaunchedAsync(api, "Compromis rejoué");
        var first = await Hooks.WaitForTypeAsync(receiver, path, "procedure.launched");
        var delivery = await Hooks.WaitForDeliveryAsync(api, webhookId, d => d.Str("status") == "delivered", "delivered");
        Assert.Equal(first.WebhookId, delivery.Str("event_id"));

        var replay = await Expect.JsonAsync(await api.PostAsync($"/api/v1/webhooks/{webhookId}/deliveries/{delivery.Str("id")}/replay"),
            HttpStatusCode.Accepted);
        Assert.NotEqual(delivery.Str("id"), replay.Str("id"));
        Assert.Equal((first.WebhookId, delivery.Str("id"), "pending"), (replay.Str("event_id"), replay.Str("replay_of"), replay.Str("status")));
        var both = await Hooks.WaitAsync(receiver, path, r => r.Length == 2, "the replay");
        Assert.Equal(both[0].Body, both[1].Body);
        Assert.True(WebhookReceiver.Verify(both[1], secret, out var error), error);
        Assert.Single(receiver.Accepted(path));
        await Hooks.WaitForDeliveryAsync(api, webhookId, d => d.Str("id") == replay.Str("id") && d.Str("status") == "delivered", "the replay delivered");
        Assert.Equal(id, Hooks.Data(both[1]).Str("id"));

        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/webhooks/{webhookId}/deliveries/whd_none/replay"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task EndpointsAreListedEditedDisabledAndDeletedAndBadInputNamesItsField()
    {
        var (webhookId, path, _) = await Hooks.CreateAsync(api, receiver, "procedure.launched");
        var listed = await Expect.JsonAsync(await api.GetAsync("/api/v1/webhooks"), HttpStatusCode.OK);
        var mine = Assert.Single(listed.EnumerateArray(), h => h.Str("id") == webhookId);
        Assert.False(mine.TryGetProperty("secret", out _)); // shown once, at creation
        Assert.Equal(new[] { "procedure.launched" }, mine.Arr("events").Select(e => e.GetString()!).ToArray());

        var bad = await Expect.ProblemAsync(await api.PostAsync("/api/v1/webhooks", new { url = "ftp://crm.example.com/x", events = new[] { "procedure.eaten" } }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["events", "url"], Expect.ErrorKeys(bad).Order().ToArray());
        var credentials = await Expect.ProblemAsync(await api.PostAsync("/api/v1/webhooks", new { url = "https://moi:secret@crm.example.com/x", events = new[] { "procedure.launched" } }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["url"], Expect.ErrorKeys(credentials));
        await Expect.ProblemAsync(await api.PostAsync("/api/v1/webhooks", new { url = receiver.BaseUrl, events = Array.Empty<string>() }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");

        var edited = await Expect.JsonAsync(await api.PatchAsync($"/api/v1/webhooks/{webhookId}",
            new { events = new[] { "procedure.cancelled", "procedure.launched" }, enabled = false }), HttpStatusCode.OK);
        Assert.Equal(new[] { "procedure.launched", "procedure.cancelled" }, edited.Arr("events").Select(e => e.GetString()!).ToArray());
        Assert.Equal((false, "Désactivé par la direction."), (edited.GetProperty("enabled").GetBoolean(), edited.Str("disabled_reason")));
        await LaunchedAsync(api, "Pendant la désactivation");
        Assert.Empty(await Hooks.DeliveriesAsync(api, webhookId)); // a disabled endpoint gets no event
        var enabled = await Expect.JsonAsync(await api.PatchAsync($"/api/v1/webhooks/{webhookId}", new { enabled = true }), HttpStatusCode.OK);
        Assert.True(enabled.IsNull("disabled_reason"));
        await LaunchedAsync(api, "Après réactivation");
        await Hooks.WaitForTypeAsync(receiver, path, "procedure.launched");

        var journal = await Expect.JsonAsync(await api.GetAsync("/api/v1/agency/events?limit=50"), HttpStatusCode.OK);
        Assert.Contains(journal.Arr("events"), e => e.Str("kind") == "webhook.created");
        Assert.Contains(journal.Arr("events"), e => e.Str("kind") == "webhook.updated");
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/webhooks/{webhookId}")).StatusCode);
        await Expect.ProblemAsync(await api.GetAsync($"/api/v1/webhooks/{webhookId}"), HttpStatusCode.NotFound, "not_found");
    }
}

[Collection(WebhookCollections.Sqlite)]
public sealed class WebhookFlowsOnSqlite(WebhookSqliteApp app) : WebhookFlows(app);

[Collection(WebhookCollections.Postgres)]
public sealed class WebhookFlowsOnPostgres(WebhookPostgresApp app) : WebhookFlows(app);

public static class WebhookCollections
{
    public const string Sqlite = "webhooks-sqlite";
    public const string Postgres = "webhooks-postgres";
    public const string ClockSqlite = "webhooks-clock-sqlite";
    public const string ClockPostgres = "webhooks-clock-postgres";
}

[CollectionDefinition(WebhookCollections.Sqlite)]
public sealed class WebhookSqliteCollection : ICollectionFixture<WebhookSqliteApp>;

[CollectionDefinition(WebhookCollections.Postgres)]
public sealed class WebhookPostgresCollection : ICollectionFixture<WebhookPostgresApp>;
