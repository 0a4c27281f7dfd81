using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Features.Notifications.Email;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Email;

/// <summary>Invitations leave over SMTP to a real server on loopback, and its answers reach the notification.</summary>
public abstract class SmtpDelivery(SmtpApp app)
{
    [Fact]
    public async Task AnInvitationArrivesWithTheAgencyNameVerpSenderAndBothBodies()
    {
        var to = Api.UniqueEmail("Jeanne", "Durand");
        var procedureId = await app.LaunchForAsync(to);

        var received = await app.Smtp.WaitForAsync(to);
        var (notification, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");

        var demoId = await app.DemoAgencyIdAsync();
        var agencyName = await app.DbAsync(db => db.Agencies.Where(a => a.Id == demoId).Select(a => a.Name).SingleAsync());
        var from = Assert.Single(received.Message.From.Mailboxes);
        Assert.Equal(SmtpApp.From, from.Address);
        Assert.Equal(agencyName, from.Name);
        Assert.Equal($"bounces+{notification.Str("id")}@paraphe.example", received.EnvelopeFrom);
        Assert.Equal(app.StartTls, received.Secure);

        var alternative = Assert.IsType<MultipartAlternative>(received.Message.Body);
        Assert.Equal(2, alternative.Count);
        Assert.Contains("/sign/", received.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<a ", received.Message.HtmlBody, StringComparison.OrdinalIgnoreCase);

        var recorded = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters()
            .Where(n => n.Id == notification.Str("id")).Select(n => n.ProviderMessageId).SingleAsync());
        Assert.False(string.IsNullOrEmpty(received.Message.MessageId));
        Assert.Equal(received.Message.MessageId, recorded);
    }

    [Fact]
    public async Task TheSignedDocumentLeavesOverSmtpAttachedWhenSmallWithItsDownloadLink()
    {
        var api = app.Api();
        var email = Api.UniqueEmail("Jeanne", "Durand");
        var contact = await api.CreateContactAsync(email: email);
        var document = await api.UploadPdfAsync("Bail meublé");
        var procedure = await api.LaunchAsync((await api.CreateProcedureAsync(document.Str("id"), "in_person", contact.Str("id"))).Str("id"));
        await api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/signers/{procedure.Signers()[0].Str("id")}/sign-in-person", new
        {
            consent = true, confirmed_name = $"{contact.Str("first_name")} {contact.Str("last_name")}", typed_name = "Durand",
        });

        var received = await app.Smtp.WaitForAsync(email);
        var sealedPdf = await (await api.GetAsync($"/api/v1/procedures/{procedure.Str("id")}/signed-document")).Content.ReadAsByteArrayAsync();

        Assert.Equal("Document signé : « Bail meublé »", received.Message.Subject);
        Assert.Contains("/telechargement/", received.Message.TextBody, StringComparison.Ordinal);
        var attachment = Assert.Single(received.Message.Attachments.OfType<MimePart>());
        Assert.Equal("Bail meublé - signé.pdf", attachment.FileName);
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        Assert.Equal(sealedPdf, content.ToArray());
    }

    [Fact]
    public async Task AnUnknownMailboxFailsForGoodAndTheDiagnosisSaysHardBounce()
    {
        var to = "inconnu." + Api.UniqueEmail("Marc", "Petit");
        var procedureId = await app.LaunchForAsync(to);

        var (notification, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "failed");

        Assert.Contains("5.1.1", notification.Str("error"), StringComparison.Ordinal);
        Assert.Contains("email_hard_bounce", signer.Codes());
        Assert.Equal(1, notification.Arr("events").Count(e => e.Str("status") == "sending")); // never retried
    }

    [Fact]
    public async Task APolicyRefusalFailsAsBlocked()
    {
        var procedureId = await app.LaunchForAsync("bloque." + Api.UniqueEmail("Inès", "Moreau"));

        var (notification, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "failed");

        Assert.Contains("5.7.1", notification.Str("error"), StringComparison.Ordinal);
        Assert.Contains("email_blocked", signer.Codes());
    }

    [Fact]
    public async Task ATemporaryRefusalIsDeferredThenSentAgain()
    {
        var to = "retard." + Api.UniqueEmail("Paul", "Martin");
        var procedureId = await app.LaunchForAsync(to);

        var (deferred, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "deferred");
        Assert.Contains(deferred.EventDetails(), d => d.Contains("451", StringComparison.Ordinal));

        app.Clock.Advance(TimeSpan.FromMinutes(2)); // past the backoff
        var (sent, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");
        await app.Smtp.WaitForAsync(to);
        Assert.Equal(2, sent.Arr("events").Count(e => e.Str("status") == "sending"));
    }

    /// <summary>
    /// One reused connection for a burst. How fast it goes (the pipelining/Nagle stall costs 44 ms a message) is a
    /// measurement, not a test: `bench/` measures it and docs/PERFORMANCE.md gives the figures.
    /// </summary>
    [Fact]
    public async Task ABurstOfMessagesReusesOneConnection()
    {
        var sender = app.Services.GetServices<IMessageSender>().OfType<SmtpSender>().Single();
        var tag = Guid.NewGuid().ToString("N")[..8];
        await sender.SendAsync(Message($"warm.{tag}@gmail.com"), CancellationToken.None);
        var sessionsBefore = app.Smtp.Sessions;

        for (var i = 0; i < 100; i++) await sender.SendAsync(Message($"burst{i}.{tag}@gmail.com"), CancellationToken.None);

        Assert.True(app.Smtp.Sessions - sessionsBefore <= 1, $"{app.Smtp.Sessions - sessionsBefore} new connections for 100 messages");
        await app.Smtp.WaitForAsync($"burst99.{tag}@gmail.com");
    }

    private static OutgoingMessage Message(string to) => new($"ntf_{Guid.NewGuid():N}", "agc_x", Channel.Email, to,
        "Agence du Port", null, "Votre compromis à signer", "Bonjour, signez ici : https://paraphe.test/sign/x",
        "<p>Bonjour, <a href=\"https://paraphe.test/sign/x\">signez ici</a></p>");
}

public sealed class SmtpDeliveryInPlain(SmtpApp app) : SmtpDelivery(app), IClassFixture<SmtpApp>;

/// <summary>The same over STARTTLS (a self-signed certificate the sender is told to accept).</summary>
public sealed class SmtpDeliveryOverStartTls(StartTlsSmtpApp app) : SmtpDelivery(app), IClassFixture<StartTlsSmtpApp>;
