using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Email.Brevo;

namespace Paraphe.Web.Tests.Email;

/// <summary>Brevo's webhook events read and mapped to delivery reports, its webhook secret, and its start-up checks.</summary>
public sealed class BrevoEventMapping
{
    private static BrevoEmailEvent Parse(string json) =>
        BrevoEmailEvent.Parse(JsonDocument.Parse(json).RootElement) ?? throw new Xunit.Sdk.XunitException($"not an event: {json}");

    [Theory]
    [InlineData("request", DeliveryStatus.Sent, DeliveryFailure.None)]
    [InlineData("delivered", DeliveryStatus.Delivered, DeliveryFailure.None)]
    [InlineData("unique_opened", DeliveryStatus.Delivered, DeliveryFailure.None)]
    [InlineData("click", DeliveryStatus.Delivered, DeliveryFailure.None)]
    [InlineData("deferred", DeliveryStatus.Deferred, DeliveryFailure.None)]
    [InlineData("soft_bounce", DeliveryStatus.Deferred, DeliveryFailure.None)]
    [InlineData("hard_bounce", DeliveryStatus.Failed, DeliveryFailure.MailboxUnknown)]
    [InlineData("hardBounce", DeliveryStatus.Failed, DeliveryFailure.MailboxUnknown)]
    [InlineData("blocked", DeliveryStatus.Failed, DeliveryFailure.Blocked)]
    [InlineData("invalid_email", DeliveryStatus.Failed, DeliveryFailure.InvalidAddress)]
    [InlineData("spam", DeliveryStatus.Failed, DeliveryFailure.SpamComplaint)]
    [InlineData("error", DeliveryStatus.Failed, DeliveryFailure.Other)]
    public void EachDeliveryEventBecomesAReport(string name, DeliveryStatus status, DeliveryFailure failure)
    {
        var report = Parse($$"""{"event":"{{name}}","email":"a@b.fr","message-id":"<1@smtp-relay.mailin.fr>"}""").Report;

        Assert.NotNull(report);
        Assert.Equal(status, report.Status);
        Assert.Equal(failure, report.Failure);
        Assert.Equal("brevo", report.Provider);
    }

    [Theory]
    [InlineData("unsubscribed")]
    [InlineData("list_addition")]
    public void OtherEventsSayNothingAboutDelivery(string name) =>
        Assert.Null(Parse($$"""{"event":"{{name}}","email":"a@b.fr"}""").Report);

    [Fact]
    public void SomethingThatIsNotAnEventIsNotRead()
    {
        Assert.Null(BrevoEmailEvent.Parse(JsonDocument.Parse("""{"email":"a@b.fr"}""").RootElement));
        Assert.Null(BrevoEmailEvent.Parse(JsonDocument.Parse("42").RootElement));
    }

    [Theory]
    [InlineData("550 5.1.1 <x@gmail.com>: Recipient address rejected: User unknown", DeliveryFailure.MailboxUnknown)]
    [InlineData("550 5.1.2 Host unknown", DeliveryFailure.DomainUnknown)]
    [InlineData("Domain not found", DeliveryFailure.DomainUnknown)]
    [InlineData("unrouteable address", DeliveryFailure.DomainUnknown)]
    [InlineData("mailbox unavailable", DeliveryFailure.MailboxUnknown)]
    [InlineData(null, DeliveryFailure.MailboxUnknown)]
    public void AHardBounceIsAnUnknownMailboxUnlessTheDomainIsTheProblem(string? reason, DeliveryFailure kind) =>
        Assert.Equal(kind, BrevoEmailEvent.HardBounceKind(reason));

    [Theory]
    [InlineData("ntf_0193abcdef", "ntf_0193abcdef")]
    [InlineData("notification:ntf_0193abcdef|campaign:x", "ntf_0193abcdef")]
    [InlineData("drip:0:2", null)]
    [InlineData("ntf_<script>", null)]
    [InlineData("", null)]
    public void OurNotificationIdIsReadFromTheCustomHeader(string custom, string? id) =>
        Assert.Equal(id, BrevoEmailEvent.NotificationId(custom));

    [Fact]
    public void TheEventTimeIsTheLaterOfItsTwoTimestamps()
    {
        var e = Parse("""{"event":"delivered","ts_event":1772442000,"ts_epoch":1772441999123,"X-Mailin-custom":"ntf_1"}""");

        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1772442000), e.At);
        Assert.Equal("ntf_1", e.Message.NotificationId);
        Assert.Equal(default, Parse("""{"event":"delivered"}""").At);
    }

    [Theory]
    [InlineData("Bearer s3cret", "s3cret", true)]
    [InlineData("bearer s3cret", "s3cret", true)]
    [InlineData("Bearer s3cre", "s3cret", false)]
    [InlineData("Bearer ", "s3cret", false)]
    [InlineData("s3cret", "s3cret", false)]
    [InlineData("Basic *", "s3cret", true)]
    [InlineData("Basic not-base64!", "s3cret", false)]
    [InlineData("Bearer ", "", false)]
    [InlineData(null, null, false)]
    public void TheWebhookMustPresentTheSecret(string? authorization, string? secret, bool accepted)
    {
        var http = new DefaultHttpContext();
        if (authorization == "Basic *")
            authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"brevo:{secret}"));
        if (authorization is not null) http.Request.Headers.Authorization = authorization;

        Assert.Equal(accepted, BrevoEmailWebhook.Authenticated(http.Request, secret));
    }

    [Theory]
    [InlineData(null, "secret", "ApiKey is required")]
    [InlineData("xkeysib-x", null, "WebhookSecret is required")]
    public void TheAppRefusesToStartWithBrevoHalfConfigured(string? apiKey, string? secret, string message)
    {
        var data = Directory.CreateTempSubdirectory("paraphe-brevo-").FullName;
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("Paraphe:DataDirectory", data);
            b.UseSetting("Paraphe:Email:Provider", "brevo");
            if (apiKey is not null) b.UseSetting("Paraphe:Email:Brevo:ApiKey", apiKey);
            if (secret is not null) b.UseSetting("Paraphe:Email:Brevo:WebhookSecret", secret);
        });

        try
        {
            var e = Assert.ThrowsAny<OptionsValidationException>(() => factory.Server);
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); }
            catch (IOException) { }
        }
    }
}
