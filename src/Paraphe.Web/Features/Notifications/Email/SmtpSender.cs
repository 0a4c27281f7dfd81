using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Notifications.Email;

/// <summary>
/// Email through any SMTP server (MailKit). A small pool of connections, as many as the outbox sends at once
/// (`Paraphe:Outbox:Concurrency`), each reused by one send at a time and reopened when it breaks. PIPELINING is switched off: with it, MailKit's batched commands meet the server's Nagle algorithm and
/// delayed ACKs, ~44 ms per message (docs/DEVELOPMENT.md, « Stack facts »). The envelope sender is the notification's VERP address.
/// </summary>
internal sealed partial class SmtpSender(
    IOptionsMonitor<SmtpOptions> smtp, IOptionsMonitor<ChannelOptions> channels, IOptionsMonitor<BounceOptions> bounces,
    IOptions<OutboxOptions> outbox, ILogger<SmtpSender> log) : IMessageSender, IAsyncDisposable
{
    public const string ProviderName = "smtp";

    /// <summary>One connection slot: its client (null until opened, or after it broke) and the one send using it.</summary>
    private sealed class Slot
    {
        public SmtpClient? Client;
    }

    private readonly System.Threading.Channels.Channel<Slot> idle = NewPool(Math.Max(1, outbox.Value.Concurrency));
    private readonly int size = Math.Max(1, outbox.Value.Concurrency);

    private static System.Threading.Channels.Channel<Slot> NewPool(int size)
    {
        var pool = System.Threading.Channels.Channel.CreateBounded<Slot>(size);
        for (var i = 0; i < size; i++) pool.Writer.TryWrite(new Slot());
        return pool;
    }

    public string Name => ProviderName;
    public Channel Channel => Channel.Email;

    public async Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var from = channels.Get("Email").From;
        // Our own address is our problem, never the client's: an outage, retried until the setting is fixed.
        if (!StrictAddress.IsValid(from))
            throw new SendFailedException($"Paraphe:Email:From « {from} » n'est pas une adresse valable : message retenu jusqu'à la correction de la configuration.", permanent: false);
        MimeMessage mime;
        MailboxAddress[] recipients;
        try
        {
            recipients = [MailboxAddress.Parse(message.To)];
            mime = Compose(message, from);
        }
        catch (ParseException e)
        {
            throw new SendFailedException($"Adresse refusée : {e.Message}", permanent: true, e, DeliveryFailure.InvalidAddress);
        }
        var bounce = bounces.CurrentValue.BounceAddress;
        var envelopeFrom = new MailboxAddress("", string.IsNullOrWhiteSpace(bounce) ? from : Verp.Address(bounce, message.NotificationId));

        var slot = await idle.Reader.ReadAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var reused = slot.Client is { IsConnected: true };
                try
                {
                    var c = await ConnectedAsync(slot, ct);
                    await c.SendAsync(mime, envelopeFrom, recipients, ct);
                    return new SendReceipt(ProviderName, mime.MessageId);
                }
                catch (SmtpCommandException e)
                {
                    throw Refused(e);
                }
                catch (Exception e) when (IsConnectionFailure(e) && !ct.IsCancellationRequested)
                {
                    await DropAsync(slot);
                    // A reused connection may have been closed by the server while idle: one fresh try.
                    if (reused && attempt == 1) continue;
                    LogConnectionFailed(smtp.CurrentValue.Host, smtp.CurrentValue.Port, e.Message);
                    throw new SendFailedException($"SMTP {smtp.CurrentValue.Host}:{smtp.CurrentValue.Port} injoignable : {e.Message}", permanent: false, e);
                }
            }
        }
        finally
        {
            idle.Writer.TryWrite(slot);
        }
    }

    internal static MimeMessage Compose(OutgoingMessage message, string from)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(message.FromName, from));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject ?? "";
        mime.MessageId = MimeUtils.GenerateMessageId(Verp.Domain(from));
        mime.Headers.Add("X-Paraphe-Notification", message.NotificationId);
        var body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html };
        foreach (var a in message.Attachments ?? [])
            body.Attachments.Add(a.FileName, a.Content, ContentType.Parse(a.ContentType));
        mime.Body = body.ToMessageBody();
        return mime;
    }

    /// <summary>5xx: permanent, with the kind read from the enhanced status code; 4xx: temporary.</summary>
    private static SendFailedException Refused(SmtpCommandException e)
    {
        var code = (int)e.StatusCode;
        var enhanced = SmtpStatus.Find(e.Message);
        var text = $"SMTP {code} {e.Message}".Trim();
        // MAIL FROM refused (553 sender not allowed, 5.1.8 bad sender domain…): our sending setup, not the recipient.
        if (e.ErrorCode == SmtpErrorCode.SenderNotAccepted)
            return new SendFailedException($"{text} (expéditeur refusé : vérifiez Paraphe:Email:From et Paraphe:Email:BounceAddress)", permanent: false, e);
        if (code >= 500)
        {
            var kind = SmtpStatus.Kind(enhanced);
            if (kind == DeliveryFailure.Other && enhanced is null && e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && code == 550)
                kind = DeliveryFailure.MailboxUnknown;
            return new SendFailedException(text, permanent: true, e, kind);
        }
        return new SendFailedException(text, permanent: false, e);
    }

    private static bool IsConnectionFailure(Exception e) => e is IOException or SocketException or SmtpProtocolException
        or ServiceNotConnectedException or SslHandshakeException or AuthenticationException or TimeoutException
        or OperationCanceledException;

    private async Task<SmtpClient> ConnectedAsync(Slot slot, CancellationToken ct)
    {
        if (slot.Client is { IsConnected: true }) return slot.Client;
        await DropAsync(slot);
        var o = smtp.CurrentValue;
        var c = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        if (o.AcceptAnyCertificate) c.ServerCertificateValidationCallback = (_, _, _, _) => true;
        try
        {
            var security = o.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            };
            await c.ConnectAsync(o.Host, o.Port, security, ct);
            c.Capabilities &= ~SmtpCapabilities.Pipelining;
            if (!string.IsNullOrEmpty(o.Username)) await c.AuthenticateAsync(o.Username, o.Password ?? "", ct);
        }
        catch
        {
            c.Dispose();
            throw;
        }
        slot.Client = c;
        return c;
    }

    private static async Task DropAsync(Slot slot)
    {
        if (slot.Client is not { } client) return;
        try
        {
            if (client.IsConnected) await client.DisconnectAsync(true, CancellationToken.None);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            // already gone
        }
        client.Dispose();
        slot.Client = null;
    }

    /// <summary>Closes every connection, waiting for the sends using one to end.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < size; i++)
            await DropAsync(await idle.Reader.ReadAsync());
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "SMTP server {Host}:{Port} unreachable: {Error}")]
    private partial void LogConnectionFailed(string host, int port, string error);
}
