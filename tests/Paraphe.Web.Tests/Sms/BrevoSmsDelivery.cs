using System.Net;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Sms;

/// <summary>Invitations leave through the Brevo SMS simulator; its authenticated webhooks reach the message and the diagnosis.</summary>
public abstract class BrevoSmsDelivery(SmsApp app)
{
    private readonly HttpClient callbacks = app.CreateClient();

    private async Task<(string ProcedureId, BrevoSmsSimulator.Sms Sms, string NotificationId)> SentAsync()
    {
        var mobile = Api.UniqueMobile();
        var procedureId = await app.LaunchForAsync(mobile);
        var sms = await app.Brevo.WaitForAsync(mobile);
        var (notification, _) = await app.WaitForSmsAsync(procedureId, "sent");
        return (procedureId, sms, notification.Str("id"));
    }

    [Fact]
    public async Task AnInvitationLeavesThroughBrevoAndADeliveredEventMakesItDelivered()
    {
        var (procedureId, sms, notificationId) = await SentAsync();

        Assert.DoesNotContain("+", sms.Recipient, StringComparison.Ordinal);
        Assert.Equal(await app.DemoSmsSenderAsync(), sms.Sender);
        Assert.Equal("transactional", sms.Type);
        Assert.Contains($"{ParapheApp.PublicBaseUrl}/sign/", sms.Content, StringComparison.Ordinal);
        var webUrl = new Uri(sms.WebUrl);
        Assert.Equal($"/callbacks/sms/brevo?n={notificationId}", webUrl.PathAndQuery);
        Assert.Equal($"paraphe:{SmsApp.WebhookSecret}", webUrl.UserInfo);

        Assert.Equal(HttpStatusCode.NoContent, (await app.Brevo.WebhookAsync(sms, "sent", callbacks)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Brevo.WebhookAsync(sms, "delivered", callbacks)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Brevo.WebhookAsync(sms, "delivered", callbacks)).StatusCode);

        var (delivered, _) = await app.WaitForSmsAsync(procedureId, "delivered");
        Assert.Equal(new[] { "queued", "sending", "sent", "delivered" }, delivered.Statuses());
        Assert.Single(await app.AuditTypesAsync(procedureId), t => t == "notification.delivered");
    }

    [Fact]
    public async Task AHardBounceFailsTheSmsAsAnUnknownNumber()
    {
        var (procedureId, sms, _) = await SentAsync();

        await app.Brevo.WebhookAsync(sms, "hard_bounce", callbacks, reason: "Unknown subscriber");

        var (failed, signer) = await app.WaitForSmsAsync(procedureId, "failed");
        Assert.Contains("Unknown subscriber", failed.Str("error"), StringComparison.Ordinal);
        Assert.Contains("sms_unknown_number", signer.Codes());
    }

    [Fact]
    public async Task ASoftBounceLeavesTheSmsDeferredWithTheOperator()
    {
        var (procedureId, sms, _) = await SentAsync();

        await app.Brevo.WebhookAsync(sms, "soft_bounce", callbacks, reason: "Handset busy");

        var (deferred, _) = await app.WaitForSmsAsync(procedureId, "deferred");
        Assert.Contains(deferred.Details(), d => d.Contains("Handset busy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWebhookWithoutTheSecretIsRefusedAndChangesNothing()
    {
        var (procedureId, sms, _) = await SentAsync();
        var wrongPassword = "Basic " + Convert.ToBase64String("paraphe:guess"u8.ToArray());

        foreach (var authorization in new[] { "", wrongPassword, "Bearer guess" })
        {
            var problem = await Expect.JsonAsync(await app.Brevo.WebhookAsync(sms, "delivered", callbacks, authorization: authorization),
                HttpStatusCode.Forbidden);
            Assert.Equal("invalid_webhook_credentials", problem.Str("code"));
        }
        var accepted = await app.Brevo.WebhookAsync(sms, "delivered", callbacks, authorization: $"Bearer {SmsApp.WebhookSecret}");

        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        var (delivered, _) = await app.WaitForSmsAsync(procedureId, "delivered");
        Assert.Single(delivered.Statuses(), s => s == "delivered");
    }

    [Fact]
    public async Task AnInvalidRecipientRefusedAtSendingFailsForGood()
    {
        var mobile = Api.UniqueMobile();
        app.Brevo.AnswerFor(mobile, SimulatedAnswer.Error(400, "invalid_parameter", "Invalid recipient number"));

        var procedureId = await app.LaunchForAsync(mobile);
        var (failed, signer) = await app.WaitForSmsAsync(procedureId, "failed");

        Assert.Contains("Invalid recipient number", failed.Str("error"), StringComparison.Ordinal);
        Assert.Contains("sms_unknown_number", signer.Codes());
    }
}

public sealed class BrevoSmsDeliveryOnSqlite(BrevoSqliteApp app) : BrevoSmsDelivery(app), IClassFixture<BrevoSqliteApp>;

public sealed class BrevoSmsDeliveryOnPostgres(BrevoPostgresApp app) : BrevoSmsDelivery(app), IClassFixture<BrevoPostgresApp>;
