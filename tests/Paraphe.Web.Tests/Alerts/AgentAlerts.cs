using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data.Records;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Alerts;

/// <summary>
/// The agent is told without watching (issue 10, point 4): each alert kind is raised once, with the state change that
/// causes it, to the procedure's agent (else every director), in the app and — as the user's preferences allow — by an
/// email tracked like every message.
/// </summary>
public abstract class AgentAlerts(ParapheApp app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>A fresh agency (its director), a second director and an agent with a mobile.</summary>
    private async Task<(Api Api, string Agency, string Director, string SecondDirector, string Agent)> AgencyAsync()
    {
        var (agency, api) = await app.CreateAgencyAsync($"Agence Alerte {Guid.NewGuid():N}"[..22]);
        var director = await app.DbAsync(db => db.Users.IgnoreQueryFilters().Where(u => u.AgencyId == agency).Select(u => u.Id).SingleAsync());
        var second = await app.CreateUserAsync(agency, UserRole.Director);
        var agent = await app.CreateUserAsync(agency, UserRole.Negotiator);
        return (api, agency, director, second, agent);
    }

    private static async Task<(JsonElement Procedure, JsonElement Contact)> LaunchedAsync(Api api, string mode, string? agent,
        int expiresInDays = 30)
    {
        var document = await api.UploadPdfAsync("Compromis rue des Alertes");
        var contact = await api.CreateContactAsync("Jeanne", "Alerte");
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode, agent_user_id = agent, expires_in_days = expiresInDays,
            signers = new[] { new { contact_id = contact.Str("id"), role = "acquéreur" } },
        }), HttpStatusCode.Created);
        Assert.Equal(agent, draft.StrOrNull("agent_user_id"));
        return (await api.LaunchAsync(draft.Str("id")), contact);
    }

    private static async Task<JsonElement[]> AlertsAsync(Api api, string userId) =>
        (await Expect.JsonAsync(await api.GetAsync($"/api/v1/alerts?user_id={userId}"), HttpStatusCode.OK)).Arr("items");

    private static async Task<JsonElement[]> WaitForAlertsAsync(Api api, string userId, string procedureId, string kind, int count = 1)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var found = (await AlertsAsync(api, userId)).Where(a => a.Str("procedure_id") == procedureId && a.Str("kind") == kind).ToArray();
            if (found.Length >= count) return found;
            if (watch.Elapsed > Bound)
                throw new Xunit.Sdk.XunitException($"{found.Length} {kind} alert(s) for user {userId} on {procedureId} after {Bound.TotalSeconds} s; expected {count}.");
            await Task.Delay(50);
        }
    }

    private static async Task<string> EmailOfAsync(ParapheApp app, string userId) =>
        await app.DbAsync(db => db.Users.IgnoreQueryFilters().Where(u => u.Id == userId).Select(u => u.Email).SingleAsync());

    private static async Task DeclineAsync(ParapheApp app, Api api, JsonElement contact, string reason)
    {
        var token = await api.SigningTokenAsync(contact.Str("email"));
        await Expect.JsonAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/decline", JsonContent.Create(new { reason })),
            HttpStatusCode.OK);
    }

    [Fact]
    public async Task ADeclineAlertsTheProceduresAgentOnceWithTheReasonInTheAppAndByATrackedEmail()
    {
        var (api, _, director, second, agent) = await AgencyAsync();
        var (procedure, contact) = await LaunchedAsync(api, "remote", agent);
        var id = procedure.Str("id");
        await DeclineAsync(app, api, contact, "Le prix a changé <depuis> hier");

        var alert = Assert.Single(await WaitForAlertsAsync(api, agent, id, "signer_declined"));
        Assert.Equal("Le prix a changé <depuis> hier", alert.Str("detail"));
        Assert.Equal("Jeanne Alerte", alert.Str("signer_name"));
        Assert.Equal(procedure.Signers()[0].Str("id"), alert.Str("signer_id"));
        Assert.Contains("a refusé de signer", alert.Str("message"), StringComparison.Ordinal);
        Assert.True(alert.IsNull("read_at"));
        // The agent only: the directors are told when nobody is named.
        Assert.DoesNotContain(await AlertsAsync(api, director), a => a.Str("procedure_id") == id);
        Assert.DoesNotContain(await AlertsAsync(api, second), a => a.Str("procedure_id") == id);

        // The email goes through the outbox: a notification of the procedure with its delivery timeline.
        var agentEmail = await EmailOfAsync(app, agent);
        var mail = Assert.Single(await api.WaitForOutboxAsync(agentEmail));
        Assert.Equal("Refus de signer : « Compromis rue des Alertes »", mail.Str("subject"));
        Assert.Contains("Le prix a changé <depuis> hier", mail.Str("body"), StringComparison.Ordinal);
        Assert.Contains($"{ParapheApp.PublicBaseUrl}/procedures/{id}", mail.Arr("links").Select(l => l.GetString()));
        var tracked = await WaitAsync(async () => (await api.ProcedureAsync(id)).Arr("notifications")
            .SingleOrDefault(n => n.Str("purpose") == "alert" && n.Str("status") == "sent"), "the alert email sent");
        Assert.Equal((alert.Str("notification_id"), agentEmail), (tracked.Str("id"), tracked.Str("to")));
        Assert.Equal(["queued", "sent"], tracked.Arr("events").Select(e => e.Str("status")).Where(s => s != "sending").ToArray());
        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        var raised = Assert.Single(audit.Arr("events"), e => e.Str("type") == "alert.raised");
        Assert.Equal("signer_declined", raised.GetProperty("data").Str("kind"));

        // Read: once marked, it is no longer counted.
        var before = await Expect.JsonAsync(await api.GetAsync($"/api/v1/alerts?user_id={agent}&unread=true"), HttpStatusCode.OK);
        Assert.Equal(1, before.GetProperty("unread").GetInt32());
        var read = await Expect.JsonAsync(await api.PostAsync($"/api/v1/alerts/{alert.Str("id")}/read"), HttpStatusCode.OK);
        Assert.False(read.IsNull("read_at"));
        var after = await Expect.JsonAsync(await api.GetAsync($"/api/v1/alerts?user_id={agent}&unread=true"), HttpStatusCode.OK);
        Assert.Equal((0, 0), (after.GetProperty("unread").GetInt32(), after.GetProperty("total").GetInt32()));
    }

    [Fact]
    public async Task WithoutAnAgentEveryDirectorIsAlertedAndAPreferenceTurnsTheEmailOffButNotTheAlert()
    {
        var (api, _, director, second, agent) = await AgencyAsync();
        var prefs = await Expect.JsonAsync(await api.Http.PutAsJsonAsync($"/api/v1/users/{second}/alert-preferences",
            new { email = new Dictionary<string, bool> { ["signer_declined"] = false } }), HttpStatusCode.OK);
        Assert.False(prefs.GetProperty("email").GetProperty("signer_declined").GetBoolean());
        Assert.True(prefs.GetProperty("email").GetProperty("procedure_completed").GetBoolean()); // defaults: all on
        await Expect.ProblemAsync(await api.Http.PutAsJsonAsync($"/api/v1/users/{second}/alert-preferences",
            new { email = new Dictionary<string, bool> { ["everything"] = false } }), HttpStatusCode.UnprocessableEntity, "validation_failed");

        var (procedure, contact) = await LaunchedAsync(api, "remote", agent: null); // an API key names nobody
        var id = procedure.Str("id");
        await DeclineAsync(app, api, contact, "Je ne vends plus");

        var toDirector = Assert.Single(await WaitForAlertsAsync(api, director, id, "signer_declined"));
        var toSecond = Assert.Single(await WaitForAlertsAsync(api, second, id, "signer_declined"));
        Assert.DoesNotContain(await AlertsAsync(api, agent), a => a.Str("procedure_id") == id);
        Assert.False(toDirector.IsNull("notification_id"));
        Assert.True(toSecond.IsNull("notification_id")); // in the app only
        Assert.Single(await api.WaitForOutboxAsync(await EmailOfAsync(app, director)));
        Assert.Empty(await api.OutboxAsync(await EmailOfAsync(app, second)));
        var emails = (await api.ProcedureAsync(id)).Arr("notifications").Where(n => n.Str("purpose") == "alert").ToList();
        Assert.Single(emails);
    }

    [Fact]
    public async Task ASignerWhoseEmailBouncedAndWhoseNumberIsUnknownIsReportedOnceAsUnreachable()
    {
        var (api, _, _, _, agent) = await AgencyAsync();
        var (procedure, contact) = await LaunchedAsync(api, "remote", agent);
        var id = procedure.Str("id");
        var email = (await api.WaitForOutboxAsync(contact.Str("email")))[0];
        var sms = (await api.WaitForOutboxAsync(contact.Str("mobile")))[0];

        await Simulate(api, email.Str("id"), "bounced"); // committed with its alert, if it raised one
        Assert.DoesNotContain(await AlertsAsync(api, agent), a => a.Str("procedure_id") == id); // the SMS may still arrive
        await Simulate(api, sms.Str("id"), "unknown_number");
        var alert = Assert.Single(await WaitForAlertsAsync(api, agent, id, "signer_unreachable"));
        Assert.Equal(procedure.Signers()[0].Str("id"), alert.Str("signer_id"));

        // A reminder's messages failing again does not alert twice.
        app.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        var reminded = await api.PostAsync($"/api/v1/procedures/{id}/signers/{procedure.Signers()[0].Str("id")}/remind");
        if (reminded.StatusCode == HttpStatusCode.Accepted)
        {
            var reminders = await api.WaitForOutboxAsync(contact.Str("email"), 2);
            await Simulate(api, reminders[0].Str("id"), "bounced");
        }
        Assert.Single(await AlertsAsync(api, agent), a => a.Str("procedure_id") == id && a.Str("kind") == "signer_unreachable");
        var audit = await api.AuditAsync(id);
        Assert.Single(audit.Arr("events"), e => e.Str("type") == "alert.raised");
        Assert.True(audit.GetProperty("valid").GetBoolean());
    }

    private static async Task Simulate(Api api, string messageId, string evt) =>
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/dev/outbox/{messageId}/events", new { @event = evt }), HttpStatusCode.OK);

    [Fact]
    public async Task ACompletedProcedureAlertsItsAgentWhoseEmailIsTheSignedDocument()
    {
        var (api, _, director, _, agent) = await AgencyAsync();
        var (procedure, _) = await LaunchedAsync(api, "manual", agent);
        var id = procedure.Str("id");
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/mark-signed"), HttpStatusCode.OK);
        await api.WaitForSealedAsync(id);

        var alert = Assert.Single(await WaitForAlertsAsync(api, agent, id, "procedure_completed"));
        Assert.DoesNotContain(await AlertsAsync(api, director), a => a.Str("procedure_id") == id);
        var mail = Assert.Single(await api.WaitForOutboxAsync(await EmailOfAsync(app, agent)));
        Assert.Equal("Document signé : « Compromis rue des Alertes »", mail.Str("subject"));
        Assert.Contains("Document scellé par Paraphe pour le compte de l'Agence Alerte", mail.Str("body"), StringComparison.Ordinal);
        Assert.Contains(mail.Arr("links"), l => l.GetString()!.Contains("/telechargement/", StringComparison.Ordinal));
        var completion = Assert.Single((await api.ProcedureAsync(id)).Arr("notifications"), n => n.Str("purpose") == "completion");
        Assert.Equal(alert.Str("notification_id"), completion.Str("id"));
    }

    [Fact]
    public async Task AProcedureAboutToExpireIsReportedOnceBeforeItsEnd()
    {
        var (api, _, _, _, agent) = await AgencyAsync();
        var (procedure, _) = await LaunchedAsync(api, "remote", agent, expiresInDays: 2); // warned half-way: 1 day before
        var id = procedure.Str("id");
        var sweep = app.Services.GetRequiredService<ExpirySweep>();
        await sweep.WarnAsync(CancellationToken.None);
        Assert.DoesNotContain(await AlertsAsync(api, agent), a => a.Str("procedure_id") == id);

        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await sweep.WarnAsync(CancellationToken.None);
        await sweep.WarnAsync(CancellationToken.None);
        var alert = Assert.Single(await WaitForAlertsAsync(api, agent, id, "procedure_expiring"));
        Assert.Equal(procedure.GetProperty("expires_at").GetDateTime(), DateTime.Parse(alert.Str("detail"), null,
            System.Globalization.DateTimeStyles.AdjustToUniversal));
        var mail = Assert.Single(await api.WaitForOutboxAsync(await EmailOfAsync(app, agent)));
        Assert.StartsWith("Expiration proche", mail.Str("subject"), StringComparison.Ordinal);
        Assert.Single((await api.AuditAsync(id)).Arr("events"), e => e.Str("type") == "procedure.expiring_soon");
    }

    [Fact]
    public async Task ASealThatFailsForGoodAlertsTheAgent()
    {
        var (api, _, _, _, agent) = await AgencyAsync();
        var (procedure, _) = await LaunchedAsync(api, "manual", agent);
        var id = procedure.Str("id");
        var maxAttempts = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SealingWorkerOptions>>().Value.MaxAttempts;
        // Completed with its job already out of the worker's reach and at its last attempt (the save keeps this job).
        await app.DbAsync(async db =>
        {
            var p = await db.Procedures.IgnoreQueryFilters().SingleAsync(x => x.Id == id);
            db.SealingJobs.Add(new SealingJob
            {
                ProcedureId = id, AgencyId = p.AgencyId, CreatedAt = db.UtcNow, Attempts = maxAttempts,
                NextAttemptAt = db.UtcNow.AddYears(1),
            });
            p.MarkSigned(null, "user:test", db.UtcNow);
            await db.SaveChangesAsync();
        });
        await app.Services.GetRequiredService<SealingFailures>().RecordAsync(id, "L'autorité d'horodatage n'a pas répondu.",
            new HttpRequestException("timeout"), CancellationToken.None);

        var alert = Assert.Single(await WaitForAlertsAsync(api, agent, id, "sealing_failed"));
        Assert.Equal("L'autorité d'horodatage n'a pas répondu.", alert.Str("detail"));
        var mail = Assert.Single(await api.WaitForOutboxAsync(await EmailOfAsync(app, agent)));
        Assert.StartsWith("Scellement en échec", mail.Str("subject"), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> WaitAsync(Func<Task<JsonElement>> probe, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var found = await probe();
            if (found.ValueKind != JsonValueKind.Undefined) return found;
            if (watch.Elapsed > Bound) throw new Xunit.Sdk.XunitException($"Never saw {what} within {Bound.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AgentAlertsOnSqlite(SqliteApp app) : AgentAlerts(app);

[Collection(PostgresCollection.Name)]
public sealed class AgentAlertsOnPostgres(PostgresApp app) : AgentAlerts(app);
