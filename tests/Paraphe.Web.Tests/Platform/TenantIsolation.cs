using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

/// <summary>
/// Every /api/v1 endpoint, called with one agency's key on another agency's ids, answers 404 and changes nothing;
/// lists never show the other agency's records. The test fails when an endpoint is added without being covered here.
/// </summary>
public abstract class TenantIsolation(ParapheApp app)
{
    /// <summary>Not agency-scoped by design: public documents, and the signer's side reached by an unguessable link.</summary>
    private static readonly HashSet<string> NotAgencyScoped =
    [
        "GET /api/v1",
        "GET /api/v1/openapi.json",
        "GET /api/v1/signing/{token}",
        "GET /api/v1/signing/{token}/document",
        "POST /api/v1/signing/{token}/otp",
        "POST /api/v1/signing/{token}/sign",
        "POST /api/v1/signing/{token}/decline",
        "POST /api/v1/verify", // public: whoever holds a signed document may check it
    ];

    private readonly HashSet<string> covered = [];
    private readonly Api mine = app.Api();

    [Fact]
    public async Task AnotherAgencysIdsAnswerNotFoundOnEveryEndpointAndNothingChanges()
    {
        var (theirAgencyId, theirs) = await app.CreateAgencyAsync($"Agence Voisine {Guid.NewGuid():N}"[..24]);
        var (theirUserId, theirKeyId) = await app.DbAsync(async db => (
            await db.Users.IgnoreQueryFilters().Where(u => u.AgencyId == theirAgencyId).Select(u => u.Id).FirstAsync(),
            await db.ApiKeys.Where(k => k.AgencyId == theirAgencyId).Select(k => k.Id).FirstAsync()));
        var tag = $"Voisin{Guid.NewGuid():N}"[..14];
        var theirContact = await theirs.CreateContactAsync("Hugo", tag);
        var theirDocument = await Expect.JsonAsync(await theirs.UploadAsync(SamplePdfs.Valid(1, tag), tag), HttpStatusCode.Created);
        var theirDraft = await theirs.CreateProcedureAsync(theirDocument.Str("id"), "remote", theirContact.Str("id"));
        var theirRemote = await theirs.LaunchAsync((await theirs.CreateProcedureAsync(theirDocument.Str("id"), "remote", theirContact.Str("id"))).Str("id"));
        var theirManual = await theirs.LaunchAsync((await theirs.CreateProcedureAsync(theirDocument.Str("id"), "manual", theirContact.Str("id"))).Str("id"));
        var theirInPerson = await theirs.LaunchAsync((await theirs.CreateProcedureAsync(theirDocument.Str("id"), "in_person", theirContact.Str("id"))).Str("id"));
        var theirMessage = (await theirs.WaitForOutboxAsync(theirContact.Str("email")))[0];
        var myContact = await mine.CreateContactAsync();
        var myDocument = await mine.UploadPdfAsync();
        var myDraft = await mine.CreateProcedureAsync(myDocument.Str("id"), "remote");
        string Id(System.Text.Json.JsonElement e) => e.Str("id");
        string Signer(System.Text.Json.JsonElement p) => p.Signers()[0].Str("id");
        var (theirUser, theirAlert) = await app.DbAsync(async db =>
        {
            var remoteId = Id(theirRemote);
            var remote = await db.Procedures.IgnoreQueryFilters().SingleAsync(p => p.Id == remoteId);
            var user = await db.Users.IgnoreQueryFilters().FirstAsync(u => u.AgencyId == remote.AgencyId);
            var alert = Paraphe.Domain.Alerts.UserAlert.Raise(remote.AgencyId, user.Id, remote.Id, null,
                Paraphe.Domain.Alerts.AlertKind.ProcedureExpiring, remote.Title, null, null, db.UtcNow);
            db.UserAlerts.Add(alert);
            await db.SaveChangesAsync();
            return (user.Id, alert.Id);
        });

        var theirWebhook = (await Expect.JsonAsync(await theirs.PostAsync("/api/v1/webhooks",
            new { url = "https://crm.invalid/paraphe", events = new[] { "procedure.sealed" } }), HttpStatusCode.Created)).Str("id");

        var attempts = new (string Method, string Template, string Path, HttpContent? Body)[]
        {
            ("GET", "/api/v1/webhooks/{id}", $"/api/v1/webhooks/{theirWebhook}", null),
            ("PATCH", "/api/v1/webhooks/{id}", $"/api/v1/webhooks/{theirWebhook}", Json(new { url = "https://pirate.invalid/x", enabled = false })),
            ("DELETE", "/api/v1/webhooks/{id}", $"/api/v1/webhooks/{theirWebhook}", null),
            ("POST", "/api/v1/webhooks/{id}/rotate-secret", $"/api/v1/webhooks/{theirWebhook}/rotate-secret", null),
            ("GET", "/api/v1/webhooks/{id}/deliveries", $"/api/v1/webhooks/{theirWebhook}/deliveries", null),
            ("POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay", $"/api/v1/webhooks/{theirWebhook}/deliveries/whd_none/replay", null),
            ("GET", "/api/v1/contacts/{id}", $"/api/v1/contacts/{Id(theirContact)}", null),
            ("PATCH", "/api/v1/contacts/{id}", $"/api/v1/contacts/{Id(theirContact)}", Json(new { last_name = "Piraté" })),
            ("GET", "/api/v1/documents/{id}", $"/api/v1/documents/{Id(theirDocument)}", null),
            ("GET", "/api/v1/documents/{id}/file", $"/api/v1/documents/{Id(theirDocument)}/file", null),
            ("GET", "/api/v1/procedures/{id}", $"/api/v1/procedures/{Id(theirDraft)}", null),
            ("PATCH", "/api/v1/procedures/{id}", $"/api/v1/procedures/{Id(theirDraft)}", Json(new { mode = "manual" })),
            ("POST", "/api/v1/procedures/{id}/signers", $"/api/v1/procedures/{Id(theirDraft)}/signers", Json(new { contact_id = Id(myContact) })),
            ("DELETE", "/api/v1/procedures/{id}/signers/{signerId}", $"/api/v1/procedures/{Id(theirDraft)}/signers/{Signer(theirDraft)}", null),
            ("POST", "/api/v1/procedures/{id}/launch", $"/api/v1/procedures/{Id(theirDraft)}/launch", null),
            ("POST", "/api/v1/procedures/{id}/cancel", $"/api/v1/procedures/{Id(theirRemote)}/cancel", Json(new { reason = "intrusion" })),
            ("POST", "/api/v1/procedures/{id}/signers/{signerId}/remind",
                $"/api/v1/procedures/{Id(theirRemote)}/signers/{Signer(theirRemote)}/remind", null),
            ("POST", "/api/v1/procedures/{id}/relaunch", $"/api/v1/procedures/{Id(theirRemote)}/relaunch", Json(new { launch = true })),
            ("POST", "/api/v1/procedures/{id}/mark-signed", $"/api/v1/procedures/{Id(theirManual)}/mark-signed", null),
            ("POST", "/api/v1/procedures/{id}/in-person", $"/api/v1/procedures/{Id(theirInPerson)}/in-person", null),
            ("POST", "/api/v1/procedures/{id}/signers/{signerId}/sign-in-person",
                $"/api/v1/procedures/{Id(theirInPerson)}/signers/{Signer(theirInPerson)}/sign-in-person",
                Json(new { consent = true, typed_name = "Hugo", confirmed_name = $"Hugo {tag}" })),
            ("POST", "/api/v1/procedures/{id}/signers/{signerId}/otp",
                $"/api/v1/procedures/{Id(theirInPerson)}/signers/{Signer(theirInPerson)}/otp", null),
            ("GET", "/api/v1/procedures/{id}/audit", $"/api/v1/procedures/{Id(theirRemote)}/audit", null),
            ("GET", "/api/v1/procedures/{id}/signed-document", $"/api/v1/procedures/{Id(theirRemote)}/signed-document", null),
            ("POST", "/api/v1/procedures/{id}/sealing/retry", $"/api/v1/procedures/{Id(theirRemote)}/sealing/retry", null),
            ("POST", "/api/v1/procedures/{id}/send-to-notary", $"/api/v1/procedures/{Id(theirRemote)}/send-to-notary",
                Json(new { email = "etude@notaires.fr" })),
            ("GET", "/api/v1/users/{id}", $"/api/v1/users/{theirUserId}", null),
            ("PATCH", "/api/v1/users/{id}", $"/api/v1/users/{theirUserId}", Json(new { role = "agent", last_name = "Piraté" })),
            ("POST", "/api/v1/users/{id}/deactivate", $"/api/v1/users/{theirUserId}/deactivate", null),
            ("POST", "/api/v1/users/{id}/invitation", $"/api/v1/users/{theirUserId}/invitation", null),
            ("DELETE", "/api/v1/api-keys/{id}", $"/api/v1/api-keys/{theirKeyId}", null),
            ("POST", "/api/v1/dev/outbox/{id}/events", $"/api/v1/dev/outbox/{theirMessage.Str("id")}/events", Json(new { @event = "bounced" })),
            ("POST", "/api/v1/alerts/{id}/read", $"/api/v1/alerts/{theirAlert}/read", null),
            ("GET", "/api/v1/users/{id}/alert-preferences", $"/api/v1/users/{theirUser}/alert-preferences", null),
            ("PUT", "/api/v1/users/{id}/alert-preferences", $"/api/v1/users/{theirUser}/alert-preferences",
                Json(new { email = new Dictionary<string, bool> { ["signer_declined"] = false } })),
            // Their records as ingredients of mine.
            ("POST", "/api/v1/procedures", "/api/v1/procedures", Json(new { document_id = Id(theirDocument), mode = "remote" })),
            ("POST", "/api/v1/procedures", "/api/v1/procedures",
                Json(new { document_id = Id(myDocument), mode = "remote", signers = new[] { new { contact_id = Id(theirContact) } } })),
            ("POST", "/api/v1/procedures/{id}/signers", $"/api/v1/procedures/{Id(myDraft)}/signers", Json(new { contact_id = Id(theirContact) })),
            ("PATCH", "/api/v1/procedures/{id}", $"/api/v1/procedures/{Id(myDraft)}", Json(new { document_id = Id(theirDocument) })),
        };
        foreach (var (method, template, path, body) in attempts)
        {
            var response = await Call(mine, method, template, path, body);
            await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        }

        // Lists and what each side creates.
        var contacts = await Expect.JsonAsync(await Call(mine, "GET", "/api/v1/contacts", $"/api/v1/contacts?q={tag}"), HttpStatusCode.OK);
        Assert.Equal(0, contacts.GetProperty("total").GetInt32());
        var procedures = await Expect.JsonAsync(await Call(mine, "GET", "/api/v1/procedures", $"/api/v1/procedures?q={tag}"), HttpStatusCode.OK);
        Assert.Equal(0, procedures.GetProperty("total").GetInt32());
        var outbox = await Expect.JsonAsync(await Call(mine, "GET", "/api/v1/dev/outbox", "/api/v1/dev/outbox?limit=500"), HttpStatusCode.OK);
        Assert.DoesNotContain(outbox.EnumerateArray(), m => m.Str("to") == theirContact.Str("email") || m.Str("to") == theirContact.Str("mobile"));
        Assert.Empty(await mine.OutboxAsync(theirContact.Str("email")));
        var alerts = await Expect.JsonAsync(await Call(mine, "GET", "/api/v1/alerts", $"/api/v1/alerts?user_id={theirUser}"), HttpStatusCode.OK);
        Assert.Equal(0, alerts.GetProperty("total").GetInt32());
        Assert.DoesNotContain((await Expect.JsonAsync(await mine.GetAsync("/api/v1/alerts?page_size=100"), HttpStatusCode.OK)).Arr("items"),
            a => a.Str("id") == theirAlert);
        await Expect.JsonAsync(await Call(mine, "POST", "/api/v1/alerts/read-all", "/api/v1/alerts/read-all"), HttpStatusCode.OK);
        var theirAlerts = await Expect.JsonAsync(await theirs.GetAsync($"/api/v1/alerts?user_id={theirUser}&unread=true"), HttpStatusCode.OK);
        Assert.Contains(theirAlerts.Arr("items"), a => a.Str("id") == theirAlert); // still unread
        Assert.True((await Expect.JsonAsync(await theirs.GetAsync($"/api/v1/users/{theirUser}/alert-preferences"), HttpStatusCode.OK))
            .GetProperty("email").GetProperty("signer_declined").GetBoolean());
        var created = await Expect.JsonAsync(await Call(mine, "POST", "/api/v1/contacts", "/api/v1/contacts", Json(new { first_name = "Mien", last_name = tag })), HttpStatusCode.Created);
        await Expect.ProblemAsync(await theirs.GetAsync($"/api/v1/contacts/{Id(created)}"), HttpStatusCode.NotFound, "not_found");
        var uploaded = await Expect.JsonAsync(await Call(mine, "POST", "/api/v1/documents", "/api/v1/documents", Api.PdfForm(SamplePdfs.Valid(1))), HttpStatusCode.Created);
        await Expect.ProblemAsync(await theirs.GetAsync($"/api/v1/documents/{Id(uploaded)}"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, (await Expect.JsonAsync(await theirs.GetAsync($"/api/v1/contacts?q={tag}"), HttpStatusCode.OK)).GetProperty("total").GetInt32());

        // The agency's settings: lists hold only mine; what I change or create stays mine.
        var users = await Expect.JsonAsync(await Call(mine, "GET", "/api/v1/users", "/api/v1/users"), HttpStatusCode.OK);
        Assert.DoesNotContain(users.EnumerateArray(), u => u.Str("id") == theirUserId);
        var invited = await Expect.JsonAsync(await Call(mine, "POST", "/api/v1/users", "/api/v1/users",
            Json(new { email = Api.UniqueEmail("Iso", "Lation"), first_name = "Iso", last_name = tag, role = "agent" })), HttpStatusCode.Created);
        await Expect.ProblemAsync(await theirs.GetAsync($"/api/v1/users/{Id(invited)}"), HttpStatusCode.NotFound, "not_found");
        var agency = await Expect.JsonAsync(await Call(mine, "GET", "/api/v1/agency", "/api/v1/agency"), HttpStatusCode.OK);
        Assert.NotEqual(theirAgencyId, agency.Str("id"));
        Assert.Equal(agency.Str("id"), (await Expect.JsonAsync(await Call(mine, "PATCH", "/api/v1/agency", "/api/v1/agency", Json(new { })), HttpStatusCode.OK)).Str("id"));
        var events = await Expect.JsonAsync(await Call(mine, "GET", "/api/v1/agency/events", "/api/v1/agency/events"), HttpStatusCode.OK);
        Assert.DoesNotContain(events.Arr("events"), e => e.StrOrNull("email") is { } m && m.Contains("direction.", StringComparison.Ordinal)
                                                           && m.EndsWith("@agence-test.fr", StringComparison.Ordinal) && e.Str("kind") == "user.invited");
        var keys = await Expect.JsonAsync(await Call(mine, "GET", "/api/v1/api-keys", "/api/v1/api-keys"), HttpStatusCode.OK);
        Assert.DoesNotContain(keys.EnumerateArray(), k => k.Str("id") == theirKeyId);
        var key = await Expect.JsonAsync(await Call(mine, "POST", "/api/v1/api-keys", "/api/v1/api-keys", Json(new { name = $"Iso {tag}" })), HttpStatusCode.Created);
        await Expect.ProblemAsync(await theirs.DeleteAsync($"/api/v1/api-keys/{Id(key)}"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await new Api(app, key.Str("key")).GetAsync("/api/v1/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync("/api/v1/contacts")).StatusCode); // their key still works
        Assert.True(await app.DbAsync(db => db.Users.IgnoreQueryFilters().AnyAsync(u => u.Id == theirUserId && u.DeactivatedAt == null && u.LastName != "Piraté")));

        var hooks = await Expect.JsonAsync(await Call(mine, "GET", "/api/v1/webhooks", "/api/v1/webhooks"), HttpStatusCode.OK);
        Assert.DoesNotContain(hooks.EnumerateArray(), h => h.Str("id") == theirWebhook);
        var myHook = await Expect.JsonAsync(await Call(mine, "POST", "/api/v1/webhooks", "/api/v1/webhooks",
            Json(new { url = "https://crm.invalid/mien", events = new[] { "procedure.sealed" } })), HttpStatusCode.Created);
        await Expect.ProblemAsync(await theirs.GetAsync($"/api/v1/webhooks/{Id(myHook)}"), HttpStatusCode.NotFound, "not_found");

        // Nothing of theirs moved.
        var theirHookAfter = await Expect.JsonAsync(await theirs.GetAsync($"/api/v1/webhooks/{theirWebhook}"), HttpStatusCode.OK);
        Assert.Equal(("https://crm.invalid/paraphe", true, true), (theirHookAfter.Str("url"), theirHookAfter.GetProperty("enabled").GetBoolean(),
            theirHookAfter.IsNull("rotation_ends_at")));
        var contactAfter = await Expect.JsonAsync(await theirs.GetAsync($"/api/v1/contacts/{Id(theirContact)}"), HttpStatusCode.OK);
        Assert.Equal(tag, contactAfter.Str("last_name"));
        var draftAfter = await theirs.ProcedureAsync(Id(theirDraft));
        Assert.Equal(("draft", "remote", 1), (draftAfter.Str("status"), draftAfter.Str("mode"), draftAfter.Signers().Length));
        var remoteAfter = await theirs.ProcedureAsync(Id(theirRemote));
        Assert.Equal("ongoing", remoteAfter.Str("status"));
        Assert.DoesNotContain(remoteAfter.Signers()[0].Arr("notifications"), n => n.Str("status") == "failed");
        Assert.True(remoteAfter.IsNull("replaced_by"));
        Assert.Equal(0, remoteAfter.Signers()[0].GetProperty("reminders_sent").GetInt32());
        Assert.Equal("ongoing", (await theirs.ProcedureAsync(Id(theirManual))).Str("status"));
        Assert.Equal("pending", (await theirs.ProcedureAsync(Id(theirInPerson))).Signers()[0].Str("status"));
        Assert.True((await theirs.AuditAsync(Id(theirRemote))).GetProperty("valid").GetBoolean());

        // Every agency-scoped endpoint of the API was tried above.
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw == "/api/v1" || raw.StartsWith("/api/v1/", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet();
        Assert.Empty(endpoints.Except(covered).Except(NotAgencyScoped).Order());
        Assert.Empty(covered.Except(endpoints).Order()); // no typo in a template above
    }

    private async Task<HttpResponseMessage> Call(Api api, string method, string template, string path, HttpContent? body = null)
    {
        covered.Add($"{method} {template}");
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body };
        return await api.Http.SendAsync(request);
    }

    private static string Normalize(string template) => template.Length > 1 ? template.TrimEnd('/') : template;

    private static JsonContent Json(object body) => JsonContent.Create(body);
}

[Collection(SqliteCollection.Name)]
public sealed class TenantIsolationOnSqlite(SqliteApp app) : TenantIsolation(app);

[Collection(PostgresCollection.Name)]
public sealed class TenantIsolationOnPostgres(PostgresApp app) : TenantIsolation(app);
