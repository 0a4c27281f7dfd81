using MimeKit;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Email;

namespace Paraphe.Web.Tests.Email;

/// <summary>The pure parts of bounce handling: VERP addresses, enhanced status codes, DSN parsing.</summary>
public sealed class BounceParsing
{
    private const string Id = "ntf_0192f1c2a3b44c5d8e9f0a1b2c3d4e5f";

    [Fact]
    public void VerpAddressesRoundTrip()
    {
        var verp = Verp.Address("bounces@paraphe.example", Id);

        Assert.Equal($"bounces+{Id}@paraphe.example", verp);
        Assert.Equal(Id, Verp.NotificationId("bounces@paraphe.example", verp));
        Assert.Equal(Id, Verp.NotificationId("bounces@paraphe.example", verp.ToUpperInvariant().Replace("NTF_", "ntf_", StringComparison.Ordinal)));
        Assert.Null(Verp.NotificationId("bounces@paraphe.example", $"bounces+{Id}@other.example"));
        Assert.Null(Verp.NotificationId("bounces@paraphe.example", $"postmaster+{Id}@paraphe.example"));
        Assert.Null(Verp.NotificationId("bounces@paraphe.example", "bounces+ntf_../../x@paraphe.example"));
        Assert.True(Verp.IsBounceMailbox("bounces@paraphe.example", "bounces", "PARAPHE.example"));
        Assert.False(Verp.IsBounceMailbox("bounces@paraphe.example", "bouncesx", "paraphe.example"));
    }

    [Theory]
    [InlineData("550 5.1.1 <x@y>: User unknown", DeliveryFailure.MailboxUnknown)]
    [InlineData("5.1.0 Address rejected", DeliveryFailure.MailboxUnknown)]
    [InlineData("Host or domain name not found 5.1.2", DeliveryFailure.DomainUnknown)]
    [InlineData("5.4.4 Unable to route", DeliveryFailure.DomainUnknown)]
    [InlineData("554 5.7.1 Spam message rejected", DeliveryFailure.Blocked)]
    [InlineData("552 5.2.2 Mailbox full", DeliveryFailure.Other)]
    [InlineData("550 no enhanced code", DeliveryFailure.Other)]
    public void EnhancedStatusCodesMapToFailureKinds(string text, DeliveryFailure kind) =>
        Assert.Equal(kind, SmtpStatus.Kind(SmtpStatus.Find(text)));

    [Fact]
    public void AReportWithAMessageRfc822PartGivesTheOriginalMessageId()
    {
        var original = new MimeMessage { MessageId = "abc@paraphe.example", Subject = "Signature" };
        var status = new MessageDeliveryStatus();
        status.StatusGroups.Add(new HeaderList { { "Reporting-MTA", "dns; mx.test" } });
        status.StatusGroups.Add(new HeaderList
        {
            { "Final-Recipient", "rfc822; a@b.fr" }, { "Action", "Failed" }, { "Status", "5.1.1" },
            { "Diagnostic-Code", "smtp; 550 5.1.1\r\n user unknown" },
        });
        var dsn = new MimeMessage { Body = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "x" }, status, new MessagePart { Message = original } } };

        var report = DsnReport.Parse(Reload(dsn));

        Assert.NotNull(report);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal(("a@b.fr", "failed", "5.1.1", "550 5.1.1 user unknown"),
            (recipient.FinalRecipient, recipient.Action, recipient.Status, recipient.DiagnosticCode));
        Assert.Equal("abc@paraphe.example", report.OriginalMessageId);
    }

    [Fact]
    public void WhatIsNotADeliveryStatusReportIsNotADsn()
    {
        Assert.Null(DsnReport.Parse(new MimeMessage { Body = new TextPart("plain") { Text = "Bonjour" } }));
        Assert.Null(DsnReport.Parse(new MimeMessage { Body = new MultipartReport("disposition-notification") { new TextPart("plain") } }));
        var empty = new MessageDeliveryStatus();
        empty.StatusGroups.Add(new HeaderList { { "Reporting-MTA", "dns; mx.test" } });
        Assert.Null(DsnReport.Parse(Reload(new MimeMessage { Body = new MultipartReport("delivery-status") { empty } })));
    }

    private static MimeMessage Reload(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        stream.Position = 0;
        return MimeMessage.Load(stream);
    }
}
