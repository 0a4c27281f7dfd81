using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data.Configurations;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Diagnosis;

/// <summary>
/// A channel known bad (hard bounce, unknown number) stays bad across later messages: the diagnosis keeps saying so,
/// reminders (manual and automatic) leave it out, a signer no channel reaches is refused with the correction, and the
/// procedure shows in « À corriger » (`needs_attention`).
/// </summary>
public abstract class RemindersOnKnownBadChannels(ParapheApp app)
{
    private readonly Api api = app.Api();

    private async Task<(string Id, JsonElement Signer, JsonElement Email, JsonElement Sms)> LaunchedAsync()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var email = (await api.WaitForOutboxAsync(contacts[0].Str("email")))[0];
        var sms = (await api.WaitForOutboxAsync(contacts[0].Str("mobile")))[0];
        // Captured is not yet recorded: wait for both `sent` records, whose saves recompute « À corriger » (a test
        // that sets the flag by hand must not race them; the PostgreSQL collection's second instance may be the sender).
        foreach (var channel in new[] { "email", "sms" })
            await api.WaitForInvitationAsync(procedure.Str("id"), channel, n => n.Str("status") != "queued" && n.Str("status") != "sending");
        return (procedure.Str("id"), procedure.Signers()[0], email, sms);
    }

    private async Task SimulateAsync(JsonElement message, string evt) =>
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/dev/outbox/{message.Str("id")}/events", new { @event = evt }), HttpStatusCode.OK);

    private static string RemindPath(string id, JsonElement signer) => $"/api/v1/procedures/{id}/signers/{signer.Str("id")}/remind";

    private static string[] Codes(JsonElement signer) => signer.Arr("diagnosis").Select(d => d.Str("code")).ToArray();

    private async Task<string[]> ToFixAsync()
    {
        var page = await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?needs_attention=true&page_size=100"), HttpStatusCode.OK);
        return page.Arr("items").Select(p => p.Str("id")).ToArray();
    }

    private Task<List<Notification>> RemindersAsync(string id) => app.DbAsync(db => db.Notifications.IgnoreQueryFilters()
        .Where(n => n.ProcedureId == id && n.Purpose == Purpose.Reminder).ToListAsync());

    [Fact]
    public async Task AfterAHardBounceTheReminderGoesBySmsOnlyAndSaysSo()
    {
        var (id, signer, email, _) = await LaunchedAsync();
        await SimulateAsync(email, "bounced");
        var before = (await api.ProcedureAsync(id)).Signers()[0];
        Assert.Equal(["sms"], before.Arr("reminder_channels").Select(c => c.GetString()));

        var reminded = await Expect.JsonAsync(await api.PostAsync(RemindPath(id, signer)), HttpStatusCode.Accepted);

        var reminder = reminded.GetProperty("reminder");
        Assert.Equal(["sms"], reminder.Arr("channels").Select(c => c.GetString()));
        Assert.Equal("Relance envoyée par SMS uniquement : l'adresse email n'existe pas.", reminder.Str("note"));
        Assert.Equal([Channel.Sms], (await RemindersAsync(id)).Select(n => n.Channel));
        // The reminder does not hide the bounce.
        var after = reminded.Signers()[0];
        Assert.Equal("email_hard_bounce", after.Arr("diagnosis")[0].Str("code"));
        Assert.Equal("error", after.Arr("diagnosis")[0].Str("severity"));
        var audit = (await api.AuditAsync(id)).Arr("events").Last(e => e.Str("type") == "signer.reminded");
        Assert.Equal(["sms"], audit.GetProperty("data").Arr("channels").Select(c => c.GetString()));
    }

    [Fact]
    public async Task AnUnknownNumberLeavesTheReminderToEmailOnly()
    {
        var (id, signer, _, sms) = await LaunchedAsync();
        await SimulateAsync(sms, "unknown_number");

        var reminded = await Expect.JsonAsync(await api.PostAsync(RemindPath(id, signer)), HttpStatusCode.Accepted);

        Assert.Equal(["email"], reminded.GetProperty("reminder").Arr("channels").Select(c => c.GetString()));
        Assert.Contains("email uniquement", reminded.GetProperty("reminder").Str("note"), StringComparison.Ordinal);
        Assert.Equal([Channel.Email], (await RemindersAsync(id)).Select(n => n.Channel));
    }

    /// <summary>
    /// Created and launched in one call, the procedure's « À corriger » flag is written in the same save (issue 12: no
    /// read-back after the commit); it still follows the deliveries afterwards.
    /// </summary>
    [Fact]
    public async Task AProcedureCreatedAndLaunchedInOneCallIsFiledAtOnceAndStillFollowsItsDeliveries()
    {
        var contact = await api.CreateContactAsync("Zoé", "Marchand");
        var document = await api.UploadPdfAsync();
        var created = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", launch = true,
            signers = new[] { new { contact_id = contact.Str("id"), role = "acquéreur" } },
        }), HttpStatusCode.Created);
        var id = created.Str("id");

        Assert.False((await api.ProcedureAsync(id)).GetProperty("needs_attention").GetBoolean());
        Assert.DoesNotContain(id, await ToFixAsync());
        var email = (await api.WaitForOutboxAsync(contact.Str("email")))[0];
        var sms = (await api.WaitForOutboxAsync(contact.Str("mobile")))[0];
        foreach (var channel in new[] { "email", "sms" })
            await api.WaitForInvitationAsync(id, channel, n => n.Str("status") != "queued" && n.Str("status") != "sending");
        await SimulateAsync(email, "bounced");
        await SimulateAsync(sms, "unknown_number");

        Assert.True((await api.ProcedureAsync(id)).GetProperty("needs_attention").GetBoolean());
        Assert.Contains(id, await ToFixAsync());
    }

    [Fact]
    public async Task ASignerNoChannelReachesIsRefusedWithTheCorrectionAndNeedsTheAgent()
    {
        var (id, signer, email, sms) = await LaunchedAsync();
        Assert.DoesNotContain(id, await ToFixAsync());
        await SimulateAsync(email, "bounced");
        await SimulateAsync(sms, "unknown_number");

        var problem = await Expect.ProblemAsync(await api.PostAsync(RemindPath(id, signer)), HttpStatusCode.UnprocessableEntity,
            "contact_unreachable");

        Assert.Contains("Nouvelle procédure corrigée", problem.Str("action"), StringComparison.Ordinal);
        Assert.Equal("correct_and_relaunch", problem.Str("action_kind"));
        Assert.Contains("ni par email ni par SMS", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Empty(await RemindersAsync(id));
        var procedure = await api.ProcedureAsync(id);
        Assert.True(procedure.GetProperty("needs_attention").GetBoolean());
        var diagnosis = procedure.Signers()[0].Arr("diagnosis");
        Assert.Single(diagnosis, d => d.Str("severity") == "error");
        Assert.Equal("contact_unreachable", diagnosis[0].Str("code"));
        Assert.Empty(procedure.Signers()[0].Arr("reminder_channels"));
        Assert.Contains(id, await ToFixAsync());
        Assert.DoesNotContain(id, (await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?needs_attention=false&page_size=100"),
            HttpStatusCode.OK)).Arr("items").Select(p => p.Str("id")));
    }

    [Fact]
    public async Task AFlagLeftStaleByACrashIsHealedByTheReconciler()
    {
        var (bad, _, email, sms) = await LaunchedAsync();
        await SimulateAsync(email, "bounced");
        await SimulateAsync(sms, "unknown_number");
        var (fine, _, _, _) = await LaunchedAsync();
        Assert.Contains(bad, await ToFixAsync());
        // What a crash between the commit and the flag's update (or a procedure older than the column) leaves behind.
        await app.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => p.Id == bad || p.Id == fine)
            .ExecuteUpdateAsync(u => u.SetProperty(p => EF.Property<bool>(p, ProcedureAttention.Column), p => p.Id == fine)));
        Assert.DoesNotContain(bad, await ToFixAsync());
        Assert.Contains(fine, await ToFixAsync());

        var read = await app.Services.GetRequiredService<AttentionReconciler>().ReconcileAsync(CancellationToken.None);

        Assert.True(read >= 2, $"the reconciler read {read} procedures, expected at least the two of this test");
        Assert.Contains(bad, await ToFixAsync());
        Assert.DoesNotContain(fine, await ToFixAsync());
    }

    [Fact]
    public async Task GoodNewsComputesAFlaggedProcedureAgainAndLeavesTheOthersAsTheyAre()
    {
        // Flagged with reason: a delivered SMS takes nothing away from the bounce.
        var (bounced, _, bouncedEmail, bouncedSms) = await LaunchedAsync();
        await SimulateAsync(bouncedEmail, "bounced");
        await SimulateAsync(bouncedSms, "delivered");
        Assert.Contains(bounced, await ToFixAsync());

        // Flagged by a stale value (what a failed update leaves): the next good news computes it again and clears it.
        var (stale, _, _, staleSms) = await LaunchedAsync();
        await app.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => p.Id == stale)
            .ExecuteUpdateAsync(u => u.SetProperty(p => EF.Property<bool>(p, ProcedureAttention.Column), true)));
        Assert.Contains(stale, await ToFixAsync());
        await SimulateAsync(staleSms, "delivered");
        Assert.DoesNotContain(stale, await ToFixAsync());

        // Not flagged: good news keeps it so (GoodNewsNeverRaisesAnError shows why it need not be diagnosed again).
        var (fine, _, fineEmail, fineSms) = await LaunchedAsync();
        await SimulateAsync(fineSms, "delivered");
        await SimulateAsync(fineEmail, "delivered");
        Assert.DoesNotContain(fine, await ToFixAsync());
        Assert.False((await api.ProcedureAsync(fine)).GetProperty("needs_attention").GetBoolean());
    }

    [Fact]
    public async Task AProcedureLeavesTheListToFixOnceCancelled()
    {
        var (id, _, email, _) = await LaunchedAsync();
        await SimulateAsync(email, "bounced");
        Assert.Contains(id, await ToFixAsync());

        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/cancel", new { reason = "Adresse fausse" }), HttpStatusCode.OK);

        Assert.DoesNotContain(id, await ToFixAsync());
        Assert.False((await api.ProcedureAsync(id)).GetProperty("needs_attention").GetBoolean());
    }

    [Fact]
    public async Task TheSweepNeverSendsOnAKnownBadChannelAndSkipsTheUnreachable()
    {
        var (smsOnly, _, bouncedEmail, _) = await LaunchedAsync();
        await SimulateAsync(bouncedEmail, "bounced");
        var (unreachable, _, email, sms) = await LaunchedAsync();
        await SimulateAsync(email, "bounced");
        await SimulateAsync(sms, "unknown_number");
        var sweep = app.Services.GetRequiredService<ReminderSweep>();

        app.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        await sweep.SweepAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        await sweep.SweepAsync(CancellationToken.None);

        var sent = await RemindersAsync(smsOnly);
        Assert.NotEmpty(sent);
        Assert.All(sent, n => Assert.Equal(Channel.Sms, n.Channel));
        Assert.Empty(await RemindersAsync(unreachable));
        var skipped = (await api.ProcedureAsync(unreachable)).Signers()[0];
        Assert.Equal(0, skipped.GetProperty("reminders_sent").GetInt32());
        Assert.DoesNotContain("signer.reminded", (await api.AuditAsync(unreachable)).Arr("events").Select(e => e.Str("type")));
    }

    [Fact]
    public async Task ADeliveredSmsAfterAnEmailBounceKeepsTheBounceFinding()
    {
        var (id, _, email, sms) = await LaunchedAsync();
        await SimulateAsync(email, "bounced");
        await SimulateAsync(sms, "delivered");

        var signer = (await api.ProcedureAsync(id)).Signers()[0];

        Assert.Contains("email_hard_bounce", Codes(signer));
        Assert.DoesNotContain("contact_unreachable", Codes(signer));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class RemindersOnKnownBadChannelsOnSqlite(SqliteApp app) : RemindersOnKnownBadChannels(app);

[Collection(PostgresCollection.Name)]
public sealed class RemindersOnKnownBadChannelsOnPostgres(PostgresApp app) : RemindersOnKnownBadChannels(app);
