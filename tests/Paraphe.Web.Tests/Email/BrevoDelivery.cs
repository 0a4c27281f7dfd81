using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Email;

/// <summary>
/// Invitations leave through Brevo's API (a simulator on loopback) and Brevo's webhook events come back to
/// `/callbacks/email/brevo`: delivered, bounced, blocked, deferred; repeats, late and batched events; forged calls.
/// </summary>
public abstract class BrevoDelivery(BrevoApp app)
{
    private readonly Api api = app.Api();
    private BrevoEmailSimulator Brevo => app.Brevo;

    [Fact]
    public async Task AnInvitationLeavesWithTheAgencyNameBothBodiesTheSigningLinkAndTheNotificationId()
    {
        var (procedureId, email) = await app.SentAsync();
        var (notification, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");

        var demoId = await app.DemoAgencyIdAsync();
        var agencyName = await app.DbAsync(db => db.Agencies.Where(a => a.Id == demoId).Select(a => a.Name).SingleAsync());
        Assert.Equal(agencyName, email.SenderName);
        Assert.Equal(BrevoApp.From, email.SenderEmail);
        Assert.False(string.IsNullOrWhiteSpace(email.Subject));
        Assert.Contains($"{ParapheApp.PublicBaseUrl}/sign/", email.Text, StringComparison.Ordinal);
        Assert.Contains($"{ParapheApp.PublicBaseUrl}/sign/", email.Html, StringComparison.Ordinal);
        Assert.Equal(notification.Str("id"), email.Headers["X-Mailin-custom"]);
        Assert.Equal(notification.Str("id"), email.Headers["X-Paraphe-Notification"]);
        Assert.Contains("paraphe", email.Tags);

        var recorded = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters()
            .Where(n => n.Id == notification.Str("id")).Select(n => new { n.Provider, n.ProviderMessageId }).SingleAsync());
        Assert.Equal("brevo", recorded.Provider);
        Assert.Equal(email.MessageId, recorded.ProviderMessageId);
    }

    [Fact]
    public async Task ADeliveredEventMarksItDeliveredInTheTimelineAndTheAuditTrail()
    {
        var (procedureId, email) = await app.SentAsync();

        var answer = await Expect.JsonAsync(await Brevo.EmitAsync(email, "delivered"), HttpStatusCode.OK);

        Assert.Equal(1, answer.GetProperty("recorded").GetInt32());
        var (notification, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "delivered");
        Assert.Equal(["queued", "sending", "sent", "delivered"], notification.Arr("events").Select(e => e.Str("status")).ToArray());
        Assert.DoesNotContain(signer.Codes(), c => c.StartsWith("email_", StringComparison.Ordinal));
        var audit = await api.AuditAsync(procedureId);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        var delivered = Assert.Single(audit.Arr("events"), e => e.Str("type") == "notification.delivered");
        Assert.Equal("brevo", delivered.Str("actor"));
    }

    [Fact]
    public async Task AHardBounceFailsItForGoodAndTheDiagnosisSaysHardBounce()
    {
        var (procedureId, email) = await app.SentAsync();

        await Expect.JsonAsync(await Brevo.EmitAsync(email, "hard_bounce",
            "550 5.1.1 The email account that you tried to reach does not exist"), HttpStatusCode.OK);

        var (notification, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "failed");
        Assert.Contains("5.1.1", notification.Str("error"), StringComparison.Ordinal);
        Assert.Contains("email_hard_bounce", signer.Codes());
        Assert.Single((await api.AuditAsync(procedureId)).Arr("events"), e => e.Str("type") == "notification.failed");
    }

    [Fact]
    public async Task ABlockedEventSaysTheOperatorBlocksOurEmail()
    {
        var (procedureId, email) = await app.SentAsync();

        await Expect.JsonAsync(await Brevo.EmitAsync(email, "blocked", "554 5.7.1 Client host blocked"), HttpStatusCode.OK);

        var (_, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "failed");
        Assert.Contains("email_blocked", signer.Codes());
    }

    [Theory]
    [InlineData("deferred", "421 4.7.0 Try again later")]
    [InlineData("soft_bounce", "452 4.2.2 Mailbox full")]
    public async Task ADeferralOrSoftBounceSaysDeferredAndBrevoKeepsTrying(string brevoEvent, string reason)
    {
        var (procedureId, email) = await app.SentAsync();

        await Expect.JsonAsync(await Brevo.EmitAsync(email, brevoEvent, reason), HttpStatusCode.OK);

        var (notification, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "deferred");
        Assert.Contains(notification.EventDetails(), d => d.Contains(reason, StringComparison.Ordinal));
        Assert.Contains("email_deferred", signer.Codes());

        await Expect.JsonAsync(await Brevo.EmitAsync(email, "delivered"), HttpStatusCode.OK);
        await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "delivered");
        Assert.Single(Brevo.Emails, e => e.To == email.To); // Brevo retried, not Paraphe
    }

    [Fact]
    public async Task AnInvalidEmailEventFailsItAsAnInvalidAddress()
    {
        var (procedureId, email) = await app.SentAsync();

        await Expect.JsonAsync(await Brevo.EmitAsync(email, "invalid_email"), HttpStatusCode.OK);

        var (_, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "failed");
        var finding = Assert.Single(signer.Arr("diagnosis"), d => d.Str("code") == "email_hard_bounce");
        Assert.Contains("invalide", finding.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWebhookWithoutTheSecretIsRefusedAndChangesNothing()
    {
        var (procedureId, email) = await app.SentAsync();
        var json = Brevo.Event(email, "hard_bounce", "550 5.1.1 unknown").ToJsonString();
        static AuthenticationHeaderValue Basic(string password) =>
            new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"brevo:{password}")));

        foreach (var forged in new[] { null, new AuthenticationHeaderValue("Bearer", "not-the-secret"), Basic("not-the-secret"),
                     new AuthenticationHeaderValue("Bearer", BrevoApp.WebhookSecret + "x") })
            await Expect.ProblemAsync(await Brevo.PostAsync(json, forged), HttpStatusCode.Forbidden, "unauthorized_callback");

        var (notification, _) = await app.WaitForInvitationAsync(procedureId, _ => true);
        Assert.Equal("sent", notification.Str("status"));
        Assert.DoesNotContain((await api.AuditAsync(procedureId)).Arr("events"), e => e.Str("type") == "notification.failed");

        // The basic-auth credentials Brevo sends when they are embedded in the webhook URL are accepted too.
        await Expect.JsonAsync(await Brevo.PostAsync(json, Basic(BrevoApp.WebhookSecret)), HttpStatusCode.OK);
        await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "failed");
    }

    [Fact]
    public async Task TheSameEventTwiceIsRecordedOnce()
    {
        var (procedureId, email) = await app.SentAsync();
        var json = Brevo.Event(email, "delivered").ToJsonString();

        var first = await Expect.JsonAsync(await Brevo.PostAsync(json, Brevo.Authorization()), HttpStatusCode.OK);
        var second = await Expect.JsonAsync(await Brevo.PostAsync(json, Brevo.Authorization()), HttpStatusCode.OK);

        Assert.Equal(1, first.GetProperty("recorded").GetInt32());
        Assert.Equal(1, second.GetProperty("unchanged").GetInt32());
        var (notification, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "delivered");
        Assert.Single(notification.Arr("events"), e => e.Str("status") == "delivered");
        Assert.Single((await api.AuditAsync(procedureId)).Arr("events"), e => e.Str("type") == "notification.delivered");
    }

    [Fact]
    public async Task ALateSentEventOrComplaintDoesNotUndoDelivered()
    {
        var (procedureId, email) = await app.SentAsync();
        var requestedAt = app.Clock.GetUtcNow();

        await Expect.JsonAsync(await Brevo.EmitAsync(email, "delivered"), HttpStatusCode.OK);
        await Expect.JsonAsync(await Brevo.EmitAsync(email, "request", at: requestedAt), HttpStatusCode.OK);
        await Expect.JsonAsync(await Brevo.EmitAsync(email, "soft_bounce", "452 4.2.2 Mailbox full", at: requestedAt), HttpStatusCode.OK);
        await Expect.JsonAsync(await Brevo.EmitAsync(email, "spam"), HttpStatusCode.OK);

        var (notification, signer) = await app.WaitForInvitationAsync(procedureId, _ => true);
        Assert.Equal("delivered", notification.Str("status"));
        Assert.Equal("delivered", notification.Arr("events")[^1].Str("status"));
        Assert.DoesNotContain(signer.Codes(), c => c.StartsWith("email_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABatchOfEventsIsRecordedEventByEvent()
    {
        var (first, firstEmail) = await app.SentAsync();
        var (second, secondEmail) = await app.SentAsync();
        var stranger = firstEmail with { MessageId = "<000000000000.00000000000@smtp-relay.mailin.fr>", Headers = new Dictionary<string, string>() };

        var answer = await Expect.JsonAsync(await Brevo.EmitBatchAsync(
            Brevo.Event(firstEmail, "request"), Brevo.Event(firstEmail, "delivered"), Brevo.Event(firstEmail, "unsubscribed"),
            Brevo.Event(secondEmail, "hard_bounce", "550 5.1.1 user unknown"), Brevo.Event(stranger, "delivered")), HttpStatusCode.OK);

        Assert.Equal(5, answer.GetProperty("received").GetInt32());
        Assert.Equal(2, answer.GetProperty("recorded").GetInt32());
        Assert.Equal(1, answer.GetProperty("unchanged").GetInt32());
        Assert.Equal(1, answer.GetProperty("unmatched").GetInt32());
        Assert.Equal(1, answer.GetProperty("ignored").GetInt32());
        await app.WaitForInvitationAsync(first, n => n.Str("status") == "delivered");
        await app.WaitForInvitationAsync(second, n => n.Str("status") == "failed");
    }

    [Fact]
    public async Task AnEventWithoutOurHeaderIsMatchedByBrevosMessageId()
    {
        var (procedureId, email) = await app.SentAsync();
        var json = Brevo.Event(email, "delivered", withCustomHeader: false);
        Assert.False(json.ContainsKey("X-Mailin-custom"));

        await Expect.JsonAsync(await Brevo.EmitBatchAsync(json), HttpStatusCode.OK);

        await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "delivered");
    }

    [Fact]
    public async Task ABrevoOutageDefersTheMessageWhichIsSentAgainLater()
    {
        var to = "panne." + Api.UniqueEmail("Paul", "Martin");
        var procedureId = await app.LaunchForAsync(to);

        var (deferred, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "deferred");
        Assert.Contains(deferred.EventDetails(), d => d.Contains("500", StringComparison.Ordinal));

        app.Clock.Advance(TimeSpan.FromMinutes(2)); // past the backoff
        var (sent, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");
        await Brevo.WaitForAsync(to);
        Assert.Equal(2, sent.Arr("events").Count(e => e.Str("status") == "sending"));
    }

    [Fact]
    public async Task AnAddressBrevoRefusesFailsForGoodWithoutRetry()
    {
        var to = "invalide." + Api.UniqueEmail("Inès", "Moreau");
        var procedureId = await app.LaunchForAsync(to);

        var (notification, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "failed");

        Assert.Contains("invalid_parameter", notification.Str("error"), StringComparison.Ordinal);
        Assert.Contains("email_hard_bounce", signer.Codes());
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await Task.Delay(500); // a few dispatcher passes
        var (again, _) = await app.WaitForInvitationAsync(procedureId, _ => true);
        Assert.Equal(1, again.Arr("events").Count(e => e.Str("status") == "sending"));
    }
}

public sealed class BrevoDeliveryOnSqlite(BrevoSqliteApp app) : BrevoDelivery(app), IClassFixture<BrevoSqliteApp>;

public sealed class BrevoDeliveryOnPostgres(BrevoPostgresApp app) : BrevoDelivery(app), IClassFixture<BrevoPostgresApp>;
