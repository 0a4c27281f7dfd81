using System.Net;
using Microsoft.EntityFrameworkCore;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Sms;

/// <summary>Invitations leave through the Twilio simulator; its signed status callbacks reach the message, the audit and the diagnosis.</summary>
public abstract class TwilioSmsDelivery(SmsApp app)
{
    private readonly HttpClient callbacks = app.CreateClient();

    private async Task<(string ProcedureId, TwilioSimulator.Sms Sms, string NotificationId)> SentAsync(string? mobile = null)
    {
        mobile ??= Api.UniqueMobile();
        var procedureId = await app.LaunchForAsync(mobile);
        var sms = await app.Twilio.WaitForAsync(mobile);
        var (notification, _) = await app.WaitForSmsAsync(procedureId, "sent");
        return (procedureId, sms, notification.Str("id"));
    }

    [Fact]
    public async Task AnInvitationLeavesThroughTwilioAndADeliveredCallbackMakesItDelivered()
    {
        var mobile = Api.UniqueMobile();
        var (procedureId, sms, notificationId) = await SentAsync(mobile);

        Assert.Equal(mobile, sms.To);
        Assert.Equal(await app.DemoSmsSenderAsync(), sms.From);
        Assert.Contains($"{ParapheApp.PublicBaseUrl}/sign/", sms.Body, StringComparison.Ordinal);
        Assert.Equal($"{ParapheApp.PublicBaseUrl}/callbacks/sms/twilio?n={notificationId}", sms.StatusCallback);
        var stored = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().Where(n => n.Id == notificationId)
            .Select(n => new { n.Provider, n.ProviderMessageId }).SingleAsync());
        Assert.Equal(("twilio", sms.Sid), (stored.Provider, stored.ProviderMessageId));

        Assert.Equal(HttpStatusCode.NoContent, (await app.Twilio.CallbackAsync(sms, "sent", callbacks)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Twilio.CallbackAsync(sms, "delivered", callbacks)).StatusCode);

        var (delivered, signer) = await app.WaitForSmsAsync(procedureId, "delivered");
        Assert.Equal(new[] { "queued", "sending", "sent", "delivered" }, delivered.Statuses());
        Assert.DoesNotContain(signer.Codes(), c => c.StartsWith("sms_", StringComparison.Ordinal));
        Assert.Contains("notification.delivered", await app.AuditTypesAsync(procedureId));
        Assert.True((await app.Api().AuditAsync(procedureId)).GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData("30005", false, "sms_unknown_number", "30005 Numéro inconnu de l'opérateur")]
    [InlineData("30006", false, "mobile_not_mobile", "30006 Ligne fixe")]
    [InlineData("30007", false, "sms_failed", "30007 Message filtré")]
    [InlineData("30003", false, "sms_failed", "30003 Téléphone injoignable")]
    [InlineData("30003", true, "sms_undelivered_overseas", "30003 Téléphone injoignable")]
    public async Task AnUndeliveredCallbackFailsTheSmsWithTheOperatorsReason(string errorCode, bool overseas, string diagnosis, string detail)
    {
        var (procedureId, sms, _) = await SentAsync(overseas ? SmsJson.UniqueReunionMobile() : null);

        Assert.Equal(HttpStatusCode.NoContent, (await app.Twilio.CallbackAsync(sms, "undelivered", callbacks, errorCode)).StatusCode);

        var (failed, signer) = await app.WaitForSmsAsync(procedureId, "failed");
        Assert.StartsWith(detail, failed.Str("error"), StringComparison.Ordinal);
        Assert.Contains(diagnosis, signer.Codes());
        Assert.Contains("notification.failed", await app.AuditTypesAsync(procedureId));
    }

    [Fact]
    public async Task AForgedOrMissingSignatureIsRefusedAndChangesNothing()
    {
        var (procedureId, sms, _) = await SentAsync();
        var forged = TwilioSimulator.Sign(sms.StatusCallback, [new("MessageStatus", "delivered")]);

        var refused = await app.Twilio.CallbackAsync(sms, "delivered", callbacks, signature: forged);
        var unsigned = await app.Twilio.CallbackAsync(sms, "delivered", callbacks, signature: "");

        foreach (var response in new[] { refused, unsigned })
        {
            var problem = await Expect.JsonAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal("invalid_signature", problem.Str("code"));
        }
        var (sent, _) = await app.WaitForSmsAsync(procedureId, "sent");
        Assert.DoesNotContain("delivered", sent.Statuses());
        Assert.DoesNotContain("notification.delivered", await app.AuditTypesAsync(procedureId));
    }

    [Fact]
    public async Task ARepeatedCallbackAddsNoEventAndALateSentNeverUndoesDelivered()
    {
        var (procedureId, sms, _) = await SentAsync();

        await app.Twilio.CallbackAsync(sms, "delivered", callbacks);
        await app.Twilio.CallbackAsync(sms, "delivered", callbacks);
        await app.Twilio.CallbackAsync(sms, "sent", callbacks);
        await app.Twilio.CallbackAsync(sms, "undelivered", callbacks, "30005");

        var (delivered, _) = await app.WaitForSmsAsync(procedureId, "delivered");
        Assert.Equal(new[] { "queued", "sending", "sent", "delivered" }, delivered.Statuses());
        Assert.Single(await app.AuditTypesAsync(procedureId), t => t == "notification.delivered");
    }

    [Fact]
    public async Task ACallbackForAnUnknownMessageIsAcknowledgedAndIgnored()
    {
        var sms = new TwilioSimulator.Sms("SM" + Guid.NewGuid().ToString("N"), Api.UniqueMobile(), "Paraphe", "x",
            $"{ParapheApp.PublicBaseUrl}/callbacks/sms/twilio?n=ntf_unknown");

        Assert.Equal(HttpStatusCode.NoContent, (await app.Twilio.CallbackAsync(sms, "delivered", callbacks)).StatusCode);
    }

    [Fact]
    public async Task AnInvalidNumberRefusedAtSendingFailsForGoodWithoutRetry()
    {
        var mobile = Api.UniqueMobile();
        app.Twilio.AnswerFor(mobile, SimulatedAnswer.Error(400, "21211", $"The 'To' number {mobile} is not a valid phone number."));

        var procedureId = await app.LaunchForAsync(mobile);
        var (failed, signer) = await app.WaitForSmsAsync(procedureId, "failed");

        Assert.Contains("21211", failed.Str("error"), StringComparison.Ordinal);
        Assert.Single(failed.Statuses(), s => s == "sending");
        Assert.Contains("sms_unknown_number", signer.Codes());
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(500);
        Assert.Single(app.Twilio.Attempts, to => to == mobile);
        var kind = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().Where(n => n.Id == failed.Str("id"))
            .Select(n => n.FailureKind).SingleAsync());
        Assert.Equal(Domain.Notifications.DeliveryFailure.InvalidAddress, kind);
    }
}

public sealed class TwilioSmsDeliveryOnSqlite(TwilioSqliteApp app) : TwilioSmsDelivery(app), IClassFixture<TwilioSqliteApp>;

public sealed class TwilioSmsDeliveryOnPostgres(TwilioPostgresApp app) : TwilioSmsDelivery(app), IClassFixture<TwilioPostgresApp>;
