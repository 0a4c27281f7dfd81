using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Webhooks;

/// <summary>
/// What happens over days, on the app's clock: retries with backoff and jitter (the first within 30 s) until about three
/// days, then failure; an endpoint failing every delivery for `DisableAfter` disabled with the directors alerted; a
/// rotation's two signatures for 24 h; timeouts and redirects are failures; an expiry is delivered. The clock moves by days,
/// so signatures are checked by hand (the library also checks the timestamp against the real clock).
/// </summary>
public abstract class WebhookRetries(ParapheApp app) : IAsyncLifetime
{
    private WebhookReceiver receiver = null!;
    private readonly Dictionary<string, int> answers = [];

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = path => { lock (answers) return answers.GetValueOrDefault(path, 204); };
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private void AnswerAt(string path, int status)
    {
        lock (answers) answers[path] = status;
    }

    private async Task<(Api Api, string Director)> AgencyAsync()
    {
        var (agency, api) = await app.CreateAgencyAsync($"Agence Crochet {Guid.NewGuid():N}"[..22]);
        var director = await app.DbAsync(db => db.Users.IgnoreQueryFilters().Where(u => u.AgencyId == agency).Select(u => u.Id).SingleAsync());
        return (api, director);
    }

    private static async Task<string> LaunchAsync(Api api, int? expiresInDays = null)
    {
        var document = await api.UploadPdfAsync("Compromis à relancer");
        var contact = await api.CreateContactAsync("Paul", "Crochet", Api.UniqueEmail("paul", "crochet"), Api.UniqueMobile());
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", expires_in_days = expiresInDays ?? 30,
            signers = new[] { new { contact_id = contact.Str("id") } },
        }), HttpStatusCode.Created);
        return (await api.LaunchAsync(draft.Str("id"))).Str("id");
    }

    private static DateTime At(JsonElement d, string property) => d.GetProperty(property).GetDateTime();

    /// <summary>Moves the clock to the delivery's next attempt and waits for that attempt to be recorded.</summary>
    private async Task<JsonElement> NextAttemptAsync(Api api, string webhookId, JsonElement delivery)
    {
        var next = At(delivery, "next_attempt_at");
        if (app.Clock.GetUtcNow().UtcDateTime < next) app.Clock.SetUtcNow(new DateTimeOffset(next, TimeSpan.Zero) + TimeSpan.FromSeconds(1));
        var (attempts, last) = (delivery.GetProperty("attempts").GetInt32(), delivery.StrOrNull("last_attempt_at"));
        // The attempt is recorded (its time), not merely claimed (the claim counts it and sets a lease).
        return await Hooks.WaitForDeliveryAsync(api, webhookId, d => d.Str("id") == delivery.Str("id") && d.GetProperty("attempts").GetInt32() > attempts
            && (d.StrOrNull("last_attempt_at") != last || d.Str("status") != "pending"), $"attempted again after attempt {attempts}");
    }

    [Fact]
    public async Task AFailingDeliveryIsRetriedWithGrowingDelaysTheFirstWithin30SecondsAndTheSameWebhookIdUntilItSucceeds()
    {
        var (api, _) = await AgencyAsync();
        var (webhookId, path, secret) = await Hooks.CreateAsync(api, receiver, "procedure.launched");
        AnswerAt(path, 500);
        await LaunchAsync(api);
        var first = await Hooks.WaitForDeliveryAsync(api, webhookId, d => d.GetProperty("attempts").GetInt32() == 1 && !d.IsNull("status_code"), "attempted");
        Assert.Equal(("pending", 500, "Réponse HTTP 500."), (first.Str("status"), first.GetProperty("status_code").GetInt32(), first.Str("error")));
        var delay1 = At(first, "next_attempt_at") - At(first, "last_attempt_at");
        Assert.InRange(delay1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        var second = await NextAttemptAsync(api, webhookId, first);
        var delay2 = At(second, "next_attempt_at") - At(second, "last_attempt_at");
        Assert.True(delay2 > delay1, $"the second delay {delay2} should exceed the first {delay1}");
        AnswerAt(path, 200);
        var third = await NextAttemptAsync(api, webhookId, second);
        Assert.Equal(("delivered", 3, 200), (third.Str("status"), third.GetProperty("attempts").GetInt32(), third.GetProperty("status_code").GetInt32()));
        Assert.True(third.IsNull("next_attempt_at"));

        var got = receiver.At(path);
        Assert.Equal(3, got.Count);
        Assert.Single(got.Select(r => r.WebhookId).Distinct());
        Assert.Equal(3, got.Select(r => r.Timestamp).Distinct().Count()); // each attempt is signed at its own time
        Assert.All(got, r => Assert.True(WebhookReceiver.VerifyByHand(r, secret)));
        Assert.Single(receiver.Accepted(path));
    }

    [Fact]
    public async Task AnEventFailingForAboutThreeDaysFailsAndAnEndpointFailingForDaysIsDisabledWithTheDirectorsAlerted()
    {
        var (api, director) = await AgencyAsync();
        var (webhookId, path, _) = await Hooks.CreateAsync(api, receiver, "procedure.launched");
        AnswerAt(path, 503);
        var started = app.Clock.GetUtcNow().UtcDateTime;
        await LaunchAsync(api);
        var delivery = await Hooks.WaitForDeliveryAsync(api, webhookId, d => !d.IsNull("last_attempt_at"), "attempted");
        while (delivery.Str("status") == "pending") delivery = await NextAttemptAsync(api, webhookId, delivery);
        Assert.Equal("failed", delivery.Str("status"));
        var span = At(delivery, "last_attempt_at") - At(delivery, "created_at");
        Assert.InRange(span, TimeSpan.FromDays(2), TimeSpan.FromDays(3));
        Assert.InRange(delivery.GetProperty("attempts").GetInt32(), 10, 30);
        Assert.True((await Expect.JsonAsync(await api.GetAsync($"/api/v1/webhooks/{webhookId}"), HttpStatusCode.OK)).GetProperty("enabled").GetBoolean());

        // Another event keeps failing until the endpoint has failed for DisableAfter.
        await LaunchAsync(api);
        var second = await Hooks.WaitForDeliveryAsync(api, webhookId, d => d.Str("id") != delivery.Str("id") && !d.IsNull("last_attempt_at"), "attempted");
        while (second.Str("status") == "pending"
               && (await Expect.JsonAsync(await api.GetAsync($"/api/v1/webhooks/{webhookId}"), HttpStatusCode.OK)).GetProperty("enabled").GetBoolean())
            second = await NextAttemptAsync(api, webhookId, second);
        var endpoint = await Expect.JsonAsync(await api.GetAsync($"/api/v1/webhooks/{webhookId}"), HttpStatusCode.OK);
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.StartsWith("Désactivé automatiquement", endpoint.Str("disabled_reason"), StringComparison.Ordinal);
        Assert.True(At(endpoint, "disabled_at") - started >= WebhookApp.DisableAfter);

        var alerts = (await Expect.JsonAsync(await api.GetAsync($"/api/v1/alerts?user_id={director}"), HttpStatusCode.OK)).Arr("items");
        var alert = Assert.Single(alerts, a => a.Str("kind") == "webhook_disabled");
        Assert.Contains(path, alert.Str("message"), StringComparison.Ordinal);
        Assert.True(alert.IsNull("procedure_id"));
        // …and emailed, outside any procedure, with a link to the webhooks' settings.
        var directorEmail = await app.DbAsync(db => db.Users.IgnoreQueryFilters().Where(u => u.Id == director).Select(u => u.Email).SingleAsync());
        Assert.Contains(await api.WaitForOutboxAsync(directorEmail), m => m.Str("body").Contains("/parametres/webhooks", StringComparison.Ordinal));
        var journal = await Expect.JsonAsync(await api.GetAsync("/api/v1/agency/events?limit=50"), HttpStatusCode.OK);
        Assert.Contains(journal.Arr("events"), e => e.Str("kind") == "webhook.disabled");

        // Its pending delivery is given up without a request, and new events are not queued for it.
        var before = receiver.At(path).Count;
        if (second.Str("status") == "pending")
        {
            app.Clock.SetUtcNow(new DateTimeOffset(At(second, "next_attempt_at"), TimeSpan.Zero) + TimeSpan.FromSeconds(1));
            second = await Hooks.WaitForDeliveryAsync(api, webhookId, d => d.Str("id") == second.Str("id") && d.Str("status") == "failed", "given up");
        }
        Assert.Equal(("failed", "Webhook désactivé : livraison abandonnée."), (second.Str("status"), second.Str("error")));
        await LaunchAsync(api);
        Assert.Equal(2, (await Hooks.DeliveriesAsync(api, webhookId)).Length);
        Assert.Equal(before, receiver.At(path).Count);
    }

    [Fact]
    public async Task ARotationSignsWithBothSecretsFor24HoursThenWithTheNewOneOnly()
    {
        var (api, _) = await AgencyAsync();
        var (webhookId, path, oldSecret) = await Hooks.CreateAsync(api, receiver, "procedure.launched");
        var rotated = await Expect.JsonAsync(await api.PostAsync($"/api/v1/webhooks/{webhookId}/rotate-secret"), HttpStatusCode.OK);
        var newSecret = rotated.Str("secret");
        Assert.NotEqual(oldSecret, newSecret);
        Assert.InRange(At(rotated, "rotation_ends_at") - app.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(24));

        await LaunchAsync(api);
        var during = (await Hooks.WaitAsync(receiver, path, r => r.Length == 1, "the event during the rotation"))[0];
        Assert.Equal(2, during.Signature!.Split(' ').Length);
        Assert.True(WebhookReceiver.VerifyByHand(during, oldSecret));
        Assert.True(WebhookReceiver.VerifyByHand(during, newSecret));

        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await LaunchAsync(api);
        var after = (await Hooks.WaitAsync(receiver, path, r => r.Length == 2, "the event after the rotation"))[1];
        Assert.Single(after.Signature!.Split(' '));
        Assert.True(WebhookReceiver.VerifyByHand(after, newSecret));
        Assert.False(WebhookReceiver.VerifyByHand(after, oldSecret));
        Assert.True((await Expect.JsonAsync(await api.GetAsync($"/api/v1/webhooks/{webhookId}"), HttpStatusCode.OK)).IsNull("rotation_ends_at"));
    }

    [Fact]
    public async Task AReceiverThatDoesNotAnswerInTimeOrRedirectsHasFailedAndIsRetried()
    {
        var (api, _) = await AgencyAsync();
        var (hangingId, hanging, _) = await Hooks.CreateAsync(api, receiver, "procedure.launched");
        var (redirectingId, redirecting, _) = await Hooks.CreateAsync(api, receiver, "procedure.launched");
        AnswerAt(hanging, WebhookReceiver.Hang);
        AnswerAt(redirecting, 302);
        await LaunchAsync(api);

        var timedOut = await Hooks.WaitForDeliveryAsync(api, hangingId, d => !d.IsNull("last_attempt_at"), "attempted");
        Assert.Equal(("pending", $"Pas de réponse en {WebhookApp.AttemptTimeout.TotalSeconds:0} s."), (timedOut.Str("status"), timedOut.Str("error")));
        Assert.True(timedOut.IsNull("status_code"));
        Assert.True(timedOut.GetProperty("duration_ms").GetInt32() >= WebhookApp.AttemptTimeout.TotalMilliseconds * 0.9);
        var redirected = await Hooks.WaitForDeliveryAsync(api, redirectingId, d => !d.IsNull("last_attempt_at"), "attempted");
        Assert.Equal(("pending", 302, "Redirection non suivie."), (redirected.Str("status"), redirected.GetProperty("status_code").GetInt32(), redirected.Str("error")));
        Assert.Empty(receiver.At("/landing"));
    }

    [Fact]
    public async Task AnExpiredProcedureIsDelivered()
    {
        var (api, _) = await AgencyAsync();
        var (_, path, secret) = await Hooks.CreateAsync(api, receiver, "procedure.expired");
        var id = await LaunchAsync(api, expiresInDays: 1);
        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(5));
        await app.Services.GetRequiredService<ExpirySweep>().SweepAsync(CancellationToken.None);
        var expired = await Hooks.WaitForTypeAsync(receiver, path, "procedure.expired");
        Assert.True(WebhookReceiver.VerifyByHand(expired, secret));
        Assert.Equal((id, "expired"), (Hooks.Data(expired).Str("id"), Hooks.Data(expired).Str("status")));
    }
}

[Collection(WebhookCollections.ClockSqlite)]
public sealed class WebhookRetriesOnSqlite(WebhookSqliteApp app) : WebhookRetries(app);

[Collection(WebhookCollections.ClockPostgres)]
public sealed class WebhookRetriesOnPostgres(WebhookPostgresApp app) : WebhookRetries(app);

[CollectionDefinition(WebhookCollections.ClockSqlite)]
public sealed class WebhookClockSqliteCollection : ICollectionFixture<WebhookSqliteApp>;

[CollectionDefinition(WebhookCollections.ClockPostgres)]
public sealed class WebhookClockPostgresCollection : ICollectionFixture<WebhookPostgresApp>;
