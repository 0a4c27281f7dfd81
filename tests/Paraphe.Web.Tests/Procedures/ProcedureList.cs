using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// `GET /api/v1/procedures` (issue 12 made producing it cheaper, not different): each item is the procedure's full
/// representation, byte for byte what `GET /procedures/{id}` answers — signers, their messages and delivery events,
/// the diagnosis — with its fields in the order pinned here; pages are newest first and the filters hold. Each test
/// works in an agency of its own, so the page holds only its procedures.
/// </summary>
public abstract class ProcedureList(ParapheApp app)
{
    private static readonly string[] ItemFields =
    [
        "id", "title", "status", "mode", "document_id", "otp", "expires_in_days", "reminders", "created_at", "launched_at",
        "completed_at", "cancelled_at", "cancel_reason", "declined_at", "expires_at", "document_sha256", "scanned_document_id",
        "replaces", "replaced_by", "signers", "sealed_at", "sealed_sha256", "signed_document_url", "notifications", "sealing",
        "signing_order", "needs_attention", "reminder", "message", "agent_user_id",
    ];

    private static readonly string[] SignerFields =
    [
        "id", "contact_id", "user_id", "order", "first_name", "last_name", "email", "mobile", "language", "role", "status",
        "field", "invited_at", "opened_at", "signed_at", "declined_at", "decline_reason", "signed_in_person",
        "next_reminder_at", "reminders_sent", "notifications", "diagnosis", "reminder_channels", "awaiting_turn",
    ];

    private static readonly string[] NotificationFields =
        ["id", "channel", "purpose", "to", "status", "error", "created_at", "events", "diagnosis"];

    private static readonly string[] DiagnosisFields = ["code", "severity", "message", "action", "action_kind", "suggestion"];

    [Fact]
    public async Task EachItemIsTheProceduresRepresentationWithItsMessagesEventsAndDiagnosis()
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Liste {Guid.NewGuid():N}"[..24]);
        var (remote, contacts) = await api.LaunchedAsync("remote", signers: 3);
        var (draft, _) = await api.DraftAsync("remote", signers: 1);
        var (inPerson, _) = await api.LaunchedAsync("in_person", signers: 2);
        foreach (var c in contacts) await api.WaitForOutboxAsync(c.Str("email"));
        var remoteId = remote.Str("id");
        await api.WaitForInvitationAsync(remoteId, "sms", n => n.Str("status") == "sent");
        // Captured is not yet recorded (the dispatcher records a batch's outcomes together): wait for an email `sent` too.
        await api.WaitForInvitationAsync(remoteId, "email", n => n.Str("status") == "sent");
        // A delivery report and a hard bounce, as the providers' callbacks record them: events past « sent », a diagnosis error.
        await app.DbAsync(async db =>
        {
            var messages = await db.Notifications.IgnoreQueryFilters().Include(n => n.Events)
                .Where(n => n.ProcedureId == remoteId && n.Status == DeliveryStatus.Sent).OrderBy(n => n.Id).ToListAsync();
            messages.First(n => n.Channel == Channel.Sms).Delivered(db.UtcNow, "delivered");
            messages.First(n => n.Channel == Channel.Email).Failed("550 5.1.1 user unknown", db.UtcNow, DeliveryFailure.MailboxUnknown);
            await db.SaveChangesAsync();
        });

        var page = await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?page_size=100"), HttpStatusCode.OK);
        var items = page.Arr("items");
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal([inPerson.Str("id"), draft.Str("id"), remoteId], items.Select(i => i.Str("id")).ToArray());
        foreach (var item in items)
        {
            var single = await Expect.JsonAsync(await api.GetAsync($"/api/v1/procedures/{item.Str("id")}"), HttpStatusCode.OK);
            Assert.Equal(single.GetRawText(), item.GetRawText());
            Assert.Equal(ItemFields, Names(item));
            foreach (var signer in item.Signers())
            {
                Assert.Equal(SignerFields, Names(signer));
                Assert.All(signer.Arr("diagnosis"), d => Assert.Equal(DiagnosisFields, Names(d)));
                Assert.All(signer.Arr("notifications"), n => Assert.Equal(NotificationFields, Names(n)));
            }
        }

        var listed = items[2];
        var signers = listed.Signers();
        Assert.Equal(3, signers.Length);
        Assert.All(signers, s => Assert.Equal(2, s.Arr("notifications").Length));
        var events = signers.SelectMany(s => s.Arr("notifications")).SelectMany(n => n.Arr("events"))
            .Select(e => e.Str("status")).ToList();
        Assert.Contains("delivered", events);
        Assert.Contains("failed", events);
        Assert.Contains("sent", events);
        Assert.Contains(signers, s => s.Arr("diagnosis").Any(d => d.Str("severity") == "error"));
        Assert.True(listed.GetProperty("needs_attention").GetBoolean());
        Assert.All(signers.SelectMany(s => s.Arr("notifications")), n => Assert.NotEmpty(n.Arr("events")));
    }

    /// <summary>
    /// The list reads messages and events as rows, not entities (issue 12): every state a message can reach (delivered,
    /// each failure kind, deferred by an operator or retried by Paraphe, a reminder, the notary's copy) and the findings
    /// they give are listed exactly as `GET /procedures/{id}` shows them — the rows cannot drift from the entities.
    /// </summary>
    [Fact]
    public async Task EveryStateOfAMessageIsListedAsTheProcedureShowsIt()
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence États {Guid.NewGuid():N}"[..24]);
        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add((await api.LaunchedAsync("remote", signers: 2)).Procedure.Str("id"));
        await SettledAsync(ids, "the 16 invitations");
        await app.DbAsync(async db =>
        {
            var now = db.UtcNow;
            var messages = await db.Notifications.IgnoreQueryFilters().Include(n => n.Events)
                .Where(n => ids.Contains(n.ProcedureId!)).ToListAsync();
            Notification Of(int procedure, int signer, Channel channel) => messages
                .Where(n => n.ProcedureId == ids[procedure] && n.Channel == channel)
                .OrderBy(n => n.SignerId, StringComparer.Ordinal).ElementAt(signer);
            // Nothing reaches the first signer; the second one's mailbox blocks us, their SMS arrived; a reminder sent.
            Of(0, 0, Channel.Email).Failed("550 5.1.1 user unknown", now, DeliveryFailure.MailboxUnknown);
            Of(0, 0, Channel.Sms).Failed("30005 unknown destination", now, DeliveryFailure.SmsUnknownNumber);
            Of(0, 1, Channel.Email).Failed("550 5.7.1 rejected by policy", now, DeliveryFailure.Blocked);
            Of(0, 1, Channel.Sms).Report(new DeliveryReport(DeliveryStatus.Delivered, now.AddHours(-2), "delivered"), now);
            var second = Of(0, 1, Channel.Email);
            var reminder = Notification.Queue(second.AgencyId, ids[0], second.SignerId, Channel.Email, Purpose.Reminder, second.To, now);
            reminder.StartSending(now, TimeSpan.FromMinutes(5));
            reminder.Accepted("capture", "rappel-1", now);
            db.Notifications.Add(reminder);
            // Delivered 30 h ago and not opened; a landline; deferred by the operator; a phone off.
            Of(1, 0, Channel.Email).Report(new DeliveryReport(DeliveryStatus.Delivered, now.AddHours(-30), "250 2.0.0 ok"), now);
            Of(1, 0, Channel.Sms).Failed("30006 landline", now, DeliveryFailure.SmsLandline);
            Of(1, 1, Channel.Email).Report(new DeliveryReport(DeliveryStatus.Deferred, now, "451 4.7.1 greylisted"), now);
            Of(1, 1, Channel.Sms).Failed("30003 unreachable", now, DeliveryFailure.SmsUnreachable);
            // A spam complaint and a filtered SMS; a domain that does not exist and an SMS deferred; the notary's copy bounced.
            Of(2, 0, Channel.Email).Failed("complaint", now, DeliveryFailure.SpamComplaint);
            Of(2, 0, Channel.Sms).Failed("30007 filtered", now, DeliveryFailure.SmsFiltered);
            Of(2, 1, Channel.Email).Failed("550 5.1.2 no such domain", now, DeliveryFailure.DomainUnknown);
            Of(2, 1, Channel.Sms).Report(new DeliveryReport(DeliveryStatus.Deferred, now, "queued by carrier"), now);
            var notary = Notification.Queue(second.AgencyId, ids[2], null, Channel.Email, Purpose.Notary, "etude@notaires-test.fr", now);
            notary.StartSending(now, TimeSpan.FromMinutes(5));
            notary.Failed("550 5.1.1 user unknown", now, DeliveryFailure.MailboxUnknown);
            db.Notifications.Add(notary);
            // Paraphe gave up on an email (its side), an SMS failed for no stated reason; the other signer's still in transit.
            Of(3, 0, Channel.Email).Failed("provider timeout", now, DeliveryFailure.ProviderError);
            Of(3, 0, Channel.Sms).Failed("unknown error", now, DeliveryFailure.Other);
            await db.SaveChangesAsync();
        });
        // The failures raise alerts to the agent (emails of these procedures, sent apart): compare once they are out.
        await SettledAsync(ids, "the agent's alerts");

        // Compared once nothing moves between the two reads (the shared app's workers — alerts, sweeps — may still write to
        // these procedures for a moment); a difference that stays is the list drifting from the procedure.
        JsonElement[] items;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            items = (await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?page_size=100"), HttpStatusCode.OK)).Arr("items");
            var singles = new List<string>();
            foreach (var item in items)
                singles.Add((await Expect.JsonAsync(await api.GetAsync($"/api/v1/procedures/{item.Str("id")}"), HttpStatusCode.OK)).GetRawText());
            if (singles.SequenceEqual(items.Select(i => i.GetRawText())) || watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                for (var i = 0; i < items.Length; i++) Assert.Equal(singles[i], items[i].GetRawText());
                break;
            }
            await Task.Delay(200);
        }
        Assert.Equal(ids.AsEnumerable().Reverse(), items.Select(i => i.Str("id")));
        var signerMessages = items.SelectMany(i => i.Signers()).SelectMany(s => s.Arr("notifications")).ToList();
        Assert.Equal(["deferred", "delivered", "failed", "sent"], signerMessages.Select(n => n.Str("status")).Distinct().Order());
        Assert.Contains(signerMessages, n => n.Str("purpose") == "reminder");
        var codes = items.SelectMany(i => i.Signers()).SelectMany(s => s.Arr("diagnosis")).Select(d => d.Str("code")).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "contact_unreachable", "email_blocked", "email_not_opened", "mobile_not_mobile", "email_deferred", "sms_failed",
            "email_hard_bounce", "email_failed", "in_transit",
        }, codes);
        var documentMessage = Assert.Single(items.SelectMany(i => i.Arr("notifications")), n => n.Str("purpose") == "notary");
        Assert.Equal("email_hard_bounce", documentMessage.GetProperty("diagnosis").Str("code"));
        Assert.True(items.First(i => i.Str("id") == ids[0]).GetProperty("needs_attention").GetBoolean());
    }

    /// <summary>Waits until no message of these procedures is queued or being sent (the dispatcher runs apart).</summary>
    private async Task SettledAsync(List<string> ids, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().CountAsync(n => ids.Contains(n.ProcedureId!)
                   && (n.Status == DeliveryStatus.Queued || n.Status == DeliveryStatus.Sending))) is var waiting and > 0)
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(2))
                throw new Xunit.Sdk.XunitException($"{waiting} message(s) still queued or sending after 2 minutes ({what})");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task PagesAreNewestFirstAndTheFiltersHold()
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Pages {Guid.NewGuid():N}"[..24]);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await api.DraftAsync("remote", signers: 1)).Procedure.Str("id"));
            app.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        await api.LaunchAsync(ids[0]);
        ids.Reverse(); // newest first

        var first = await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?page=1&page_size=2"), HttpStatusCode.OK);
        var second = await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?page=2&page_size=2"), HttpStatusCode.OK);
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(2, first.GetProperty("page_size").GetInt32());
        Assert.Equal(ids, first.Arr("items").Concat(second.Arr("items")).Select(i => i.Str("id")).ToList());

        var ongoing = await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?status=ongoing"), HttpStatusCode.OK);
        Assert.Equal([ids[2]], ongoing.Arr("items").Select(i => i.Str("id")).ToArray());
        var drafts = await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?status=draft"), HttpStatusCode.OK);
        Assert.Equal(ids[..2], drafts.Arr("items").Select(i => i.Str("id")).ToList());
        var none = await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?q=introuvable-nulle-part"), HttpStatusCode.OK);
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        Assert.Empty(none.Arr("items"));
    }

    /// <summary>
    /// Issue 12, fourth round: the page's procedures and their signers are read apart (the signers by the page's ids,
    /// compiled queries for the unfiltered list). Two agencies side by side: each list — unfiltered, filtered, a second
    /// page — holds only the agency's procedures, each with exactly its own signers as `GET /procedures/{id}` shows them.
    /// </summary>
    [Fact]
    public async Task EachAgencysListHoldsOnlyItsProceduresWithTheirOwnSigners()
    {
        var (_, mine) = await app.CreateAgencyAsync($"Agence Mienne {Guid.NewGuid():N}"[..24]);
        var (_, theirs) = await app.CreateAgencyAsync($"Agence Autre {Guid.NewGuid():N}"[..24]);
        var myIds = new List<string>();
        var theirIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            myIds.Add((await mine.LaunchedAsync("remote", signers: 1 + i)).Procedure.Str("id"));
            theirIds.Add((await theirs.LaunchedAsync("remote", signers: 3 - i)).Procedure.Str("id"));
            theirIds.Add((await theirs.DraftAsync("remote", signers: 2)).Procedure.Str("id"));
            app.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        // The dispatcher moves the invitations (queued → sending → sent) while the test reads: compare once they are out.
        foreach (var (api, ids) in new[] { (mine, myIds), (theirs, theirIds) })
            foreach (var id in ids)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                while ((await Expect.JsonAsync(await api.GetAsync($"/api/v1/procedures/{id}"), HttpStatusCode.OK)).Signers()
                       .SelectMany(s => s.Arr("notifications")).Any(n => n.Str("status") is "queued" or "sending"))
                {
                    if (watch.Elapsed > TimeSpan.FromSeconds(30)) throw new Xunit.Sdk.XunitException($"{id}'s invitations still on their way");
                    await Task.Delay(50);
                }
            }
        foreach (var (api, ids, filter) in new[] { (mine, myIds, ""), (theirs, theirIds, ""), (theirs, theirIds, "&status=draft,ongoing") })
        {
            var listed = new List<JsonElement>();
            for (var page = 1; page <= 2; page++)
            {
                var answer = await Expect.JsonAsync(await api.GetAsync($"/api/v1/procedures?page={page}&page_size=2{filter}"), HttpStatusCode.OK);
                Assert.Equal(ids.Count, answer.GetProperty("total").GetInt32());
                listed.AddRange(answer.Arr("items"));
            }
            Assert.Equal(ids.AsEnumerable().Reverse().Take(4).ToList(), listed.Select(i => i.Str("id")).ToList());
            foreach (var item in listed)
            {
                var single = await Expect.JsonAsync(await api.GetAsync($"/api/v1/procedures/{item.Str("id")}"), HttpStatusCode.OK);
                Assert.Equal(single.GetRawText(), item.GetRawText());
                Assert.NotEmpty(item.Signers());
            }
        }
        // A signer's placed field (an owned part of the signer's row) is listed too.
        var document = await mine.UploadPdfAsync();
        var contact = await mine.CreateContactAsync();
        var placed = await Expect.JsonAsync(await mine.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote",
            signers = new[] { new { contact_id = contact.Str("id"), role = "vendeur", field = new { page = 1, x = 10.5, y = 20.25, width = 150.0, height = 50.0 } } },
        }), HttpStatusCode.Created);
        var newest = (await Expect.JsonAsync(await mine.GetAsync("/api/v1/procedures?page_size=1"), HttpStatusCode.OK)).Arr("items").Single();
        Assert.Equal(placed.Str("id"), newest.Str("id"));
        Assert.Equal(20.25, newest.Signers().Single().GetProperty("field").GetProperty("y").GetDouble());
        Assert.Equal((await mine.ProcedureAsync(placed.Str("id"))).GetRawText(), newest.GetRawText());
        myIds.Add(placed.Str("id"));

        var myPage = await Expect.JsonAsync(await mine.GetAsync("/api/v1/procedures?page_size=100"), HttpStatusCode.OK);
        Assert.Equal([1, 2, 3, 1], myPage.Arr("items").Select(i => i.Signers().Length).Reverse().ToArray());
    }

    private static string[] Names(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureListOnSqlite(SqliteApp app) : ProcedureList(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureListOnPostgres(PostgresApp app) : ProcedureList(app);
