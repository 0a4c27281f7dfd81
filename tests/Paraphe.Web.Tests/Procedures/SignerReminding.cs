using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

public abstract class SignerReminding(ParapheApp app)
{
    private readonly Api api = app.Api();

    private static string RemindPath(System.Text.Json.JsonElement procedure, int signer = 0) =>
        $"/api/v1/procedures/{procedure.Str("id")}/signers/{procedure.Signers()[signer].Str("id")}/remind";

    [Fact]
    public async Task ARemindQueuesAnEmailAndAnSmsThenTheWindowAnswers429WithTheNextAllowedTime()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);

        var reminded = await Expect.JsonAsync(await api.PostAsync(RemindPath(procedure)), HttpStatusCode.Accepted);

        var signer = reminded.Signers()[0];
        Assert.Equal(1, signer.GetProperty("reminders_sent").GetInt32());
        var next = signer.GetProperty("next_reminder_at").GetDateTime().ToUniversalTime();
        var reminders = signer.Arr("notifications").Where(n => n.Str("purpose") == "reminder").ToList();
        Assert.Equal(["email", "sms"], reminders.Select(n => n.Str("channel")).Order());
        Assert.Contains("signer.reminded", (await api.AuditAsync(procedure.Str("id"))).Arr("events").Select(e => e.Str("type")));

        var refused = await Expect.ProblemAsync(await api.PostAsync(RemindPath(procedure)), HttpStatusCode.TooManyRequests, "reminder_cooldown");
        var said = refused.Str("next_reminder_at");
        Assert.EndsWith("Z", said, StringComparison.Ordinal);
        Assert.Equal(next, DateTime.Parse(said, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal), TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await api.ProcedureAsync(procedure.Str("id"))).Signers()[0].GetProperty("reminders_sent").GetInt32());
        var received = await api.WaitForOutboxAsync(contacts[0].Str("email"), count: 2);
        Assert.Equal(2, received.Length);
    }

    [Theory]
    [InlineData("in_person")]
    [InlineData("manual")]
    public async Task RefusesAProcedureThatIsNotRemote(string mode)
    {
        var (procedure, _) = await api.LaunchedAsync(mode, signers: 1);

        await Expect.ProblemAsync(await api.PostAsync(RemindPath(procedure)), HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task RefusesADraft()
    {
        var (draft, _) = await api.DraftAsync("remote", signers: 1);

        await Expect.ProblemAsync(await api.PostAsync(RemindPath(draft)), HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task RefusesASignerWhoSignedButRemindsTheOther()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        await Expect.JsonAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign",
            System.Net.Http.Json.JsonContent.Create(new { consent = true, typed_name = "Jeanne Durand" })), HttpStatusCode.OK);
        var signedIndex = Array.FindIndex(procedure.Signers(), s => s.Str("contact_id") == contacts[0].Str("id"));

        await Expect.ProblemAsync(await api.PostAsync(RemindPath(procedure, signedIndex)), HttpStatusCode.Conflict, "invalid_transition");
        await Expect.JsonAsync(await api.PostAsync(RemindPath(procedure, 1 - signedIndex)), HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task RefusesACancelledProcedure()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/cancel", new { reason = "Doublon" }), HttpStatusCode.OK);

        await Expect.ProblemAsync(await api.PostAsync(RemindPath(procedure)), HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task TenSimultaneousRemindsSendExactlyOneReminder()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);
        var clients = Enumerable.Range(0, 10).Select(_ => app.Api()).ToList();

        var responses = await Task.WhenAll(clients.Select(c => c.PostAsync(RemindPath(procedure))));

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == 202));
        Assert.All(statuses.Where(s => s != 202), s => Assert.Contains(s, new[] { 409, 429 }));
        var reminders = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters()
            .CountAsync(n => n.ProcedureId == procedure.Str("id") && n.Purpose == Purpose.Reminder));
        Assert.Equal(2, reminders);
        var after = await api.ProcedureAsync(procedure.Str("id"));
        Assert.Equal(1, after.Signers()[0].GetProperty("reminders_sent").GetInt32());
        Assert.True((await api.AuditAsync(procedure.Str("id"))).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task TheSweepSendsTheAutomaticRemindersOnScheduleAndNoMoreThanTheMaximum()
    {
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync();
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", reminders = new { interval_days = 2, max = 1 },
            signers = new[] { new { contact_id = contact.Str("id") } },
        }), HttpStatusCode.Created);
        var launched = await api.LaunchAsync(draft.Str("id"));
        var sweep = app.Services.GetRequiredService<ReminderSweep>();
        Task<int> RemindersAsync() => app.DbAsync(db => db.Notifications.IgnoreQueryFilters()
            .CountAsync(n => n.ProcedureId == launched.Str("id") && n.Purpose == Purpose.Reminder));

        await sweep.SweepAsync(CancellationToken.None);
        Assert.Equal(0, await RemindersAsync());

        app.Clock.Advance(TimeSpan.FromDays(2));
        await sweep.SweepAsync(CancellationToken.None);
        Assert.Equal(2, await RemindersAsync());

        app.Clock.Advance(TimeSpan.FromDays(2));
        await sweep.SweepAsync(CancellationToken.None);
        Assert.Equal(2, await RemindersAsync());
        var signer = (await api.ProcedureAsync(launched.Str("id"))).Signers()[0];
        Assert.Equal(1, signer.GetProperty("reminders_sent").GetInt32());
        Assert.Contains((await api.AuditAsync(launched.Str("id"))).Arr("events"),
            e => e.Str("type") == "signer.reminded" && e.Str("actor") == "system");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SignerRemindingOnSqlite(SqliteApp app) : SignerReminding(app);

[Collection(PostgresCollection.Name)]
public sealed class SignerRemindingOnPostgres(PostgresApp app) : SignerReminding(app);
