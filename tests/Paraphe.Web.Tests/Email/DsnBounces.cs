using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Paraphe.Domain.Notifications;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Email;

/// <summary>Real RFC 3464 DSNs, sent over SMTP to Paraphe's bounce listener, land on the notification they are about.</summary>
public sealed class DsnBounces(SmtpApp app) : IClassFixture<SmtpApp>
{
    [Theory]
    [InlineData("5.1.1", "550 5.1.1 <x>: Recipient address rejected: User unknown", "failed", DeliveryFailure.MailboxUnknown, "email_hard_bounce")]
    [InlineData("5.7.1", "554 5.7.1 Message rejected as spam by Content Filtering", "failed", DeliveryFailure.Blocked, "email_blocked")]
    [InlineData("4.4.7", "421 4.4.7 Delivery time expired, still trying", "deferred", DeliveryFailure.None, "email_deferred")]
    public async Task ADsnToTheVerpAddressIsRecorded(string status, string diagnostic, string state, DeliveryFailure kind, string code)
    {
        var (procedureId, original) = await SentAsync();

        await SendAsync(Dsn(original, status, diagnostic), original.EnvelopeFrom);

        var (notification, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == state);
        Assert.Contains(notification.EventDetails(), d => d.Contains(status, StringComparison.Ordinal) && d.Contains(diagnostic, StringComparison.Ordinal));
        Assert.Equal(kind, await KindAsync(notification.Str("id")));
        Assert.Contains(code, signer.Codes());
    }

    [Fact]
    public async Task ADsnToThePlainBounceAddressIsMatchedByTheOriginalMessageId()
    {
        var (procedureId, original) = await SentAsync();

        await SendAsync(Dsn(original, "5.1.1", "550 5.1.1 user unknown", SmtpApp.BounceAddress), SmtpApp.BounceAddress);

        var (notification, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "failed");
        Assert.Equal(DeliveryFailure.MailboxUnknown, await KindAsync(notification.Str("id")));
        Assert.Contains("email_hard_bounce", signer.Codes());
    }

    [Fact]
    public async Task JunkChangesNothingAndTheListenerKeepsWorking()
    {
        var (procedureId, original) = await SentAsync();

        // A plain message to the VERP address, a DSN for a notification that does not exist, garbage on the socket.
        var plain = new MimeMessage { Subject = "Re: votre compromis", Body = new TextPart("plain") { Text = "Merci !" } };
        plain.From.Add(MailboxAddress.Parse("client@gmail.com"));
        plain.To.Add(MailboxAddress.Parse(original.EnvelopeFrom));
        await SendAsync(plain, original.EnvelopeFrom);
        await SendAsync(Dsn(original, "5.1.1", "550 5.1.1 unknown", "bounces+ntf_00000000000000000000000000000000@paraphe.example",
                messageId: "someone-else@elsewhere.example"),
            "bounces+ntf_00000000000000000000000000000000@paraphe.example");
        await SendRawAsync("EHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<" + original.EnvelopeFrom + ">\r\nDATA\r\n\u0001\u00ff\u0000garbage\r\n.\r\nQUIT\r\n");
        await SendRawAsync("\u0016\u0003\u0001 not smtp at all \r\n\r\n");
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            SendAsync(Dsn(original, "5.1.1", "550 5.1.1 unknown", "postmaster@elsewhere.example"), "postmaster@elsewhere.example"));
        Assert.Equal(MailKit.Net.Smtp.SmtpStatusCode.MailboxUnavailable, refused.StatusCode);

        var (unchanged, _) = await app.WaitForInvitationAsync(procedureId, _ => true);
        Assert.Equal("sent", unchanged.Str("status"));

        await SendAsync(Dsn(original, "5.1.1", "550 5.1.1 user unknown"), original.EnvelopeFrom);
        await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "failed");
    }

    private async Task<(string ProcedureId, TestSmtpServer.Received Original)> SentAsync()
    {
        var to = Api.UniqueEmail("Jeanne", "Durand");
        var procedureId = await app.LaunchForAsync(to);
        var original = await app.Smtp.WaitForAsync(to);
        await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");
        return (procedureId, original);
    }

    private Task<DeliveryFailure> KindAsync(string notificationId) => app.DbAsync(db => db.Notifications.IgnoreQueryFilters()
        .Where(n => n.Id == notificationId).Select(n => n.FailureKind).SingleAsync());

    /// <summary>A DSN as Postfix writes one: human text, the machine-readable status, the original's headers.</summary>
    private static MimeMessage Dsn(TestSmtpServer.Received original, string status, string diagnostic, string? to = null,
        string? messageId = null)
    {
        var recipient = original.EnvelopeTo[0];
        var dsn = new MimeMessage { Subject = "Undelivered Mail Returned to Sender" };
        dsn.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mx.gmail.test"));
        dsn.To.Add(MailboxAddress.Parse(to ?? original.EnvelopeFrom));

        var human = new TextPart("plain") { Text = $"I'm sorry to have to inform you that your message could not be delivered to <{recipient}>." };
        var machine = new MessageDeliveryStatus();
        var perMessage = new HeaderList { { "Reporting-MTA", "dns; mx.gmail.test" }, { "Arrival-Date", "Mon, 2 Mar 2026 09:00:00 +0000" } };
        var perRecipient = new HeaderList
        {
            { "Final-Recipient", $"rfc822; {recipient}" },
            { "Action", status[0] == '4' ? "delayed" : "failed" },
            { "Status", status },
            { "Diagnostic-Code", $"smtp; {diagnostic}" },
        };
        machine.StatusGroups.Add(perMessage);
        machine.StatusGroups.Add(perRecipient);

        var headers = new MimeMessage();
        headers.From.AddRange(original.Message.From);
        headers.To.AddRange(original.Message.To);
        headers.Subject = original.Message.Subject ?? "";
        headers.MessageId = messageId ?? original.Message.MessageId ?? "";
        var returned = new TextRfc822Headers { Message = headers };

        dsn.Body = new MultipartReport("delivery-status") { human, machine, returned };
        return dsn;
    }

    private async Task SendAsync(MimeMessage message, string recipient)
    {
        Assert.True(LoopbackSmtpServer.WaitUntilListening(app.BouncePort), "the bounce listener is not listening");
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", app.BouncePort, SecureSocketOptions.None);
        await client.SendAsync(message, new MailboxAddress("", "mailer-daemon@mx.gmail.test"), [MailboxAddress.Parse(recipient)]);
        await client.DisconnectAsync(true);
    }

    private async Task SendRawAsync(string text)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, app.BouncePort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(text));
        await Task.Delay(200);
    }
}
