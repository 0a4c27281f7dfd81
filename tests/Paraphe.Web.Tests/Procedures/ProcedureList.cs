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

    private static string[] Names(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureListOnSqlite(SqliteApp app) : ProcedureList(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureListOnPostgres(PostgresApp app) : ProcedureList(app);
