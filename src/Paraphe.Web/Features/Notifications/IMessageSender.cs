using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Notifications;

/// <summary>A rendered message, ready for a provider. <paramref name="Attachments"/>: emails only (the signed document when small).</summary>
public sealed record OutgoingMessage(
    string NotificationId, string AgencyId, Channel Channel, string To, string FromName, string? SmsSender,
    string? Subject, string Text, string? Html, IReadOnlyList<Attachment>? Attachments = null);

public sealed record Attachment(string FileName, string ContentType, byte[] Content);

/// <param name="ProviderMessageId">the provider's id for the message, used to match its delivery events.</param>
/// <param name="Note">how it went out, when that is worth telling (sent by the fallback provider, and why).</param>
public sealed record SendReceipt(string Provider, string? ProviderMessageId, string? Note = null);

/// <summary>Thrown by a provider. Temporary failures are retried with backoff; permanent ones never blindly.
/// A permanent failure may say why (<paramref name="kind"/>: SMTP 550 5.1.1 → MailboxUnknown) for the diagnosis.</summary>
public sealed class SendFailedException(string message, bool permanent, Exception? inner = null,
    DeliveryFailure kind = DeliveryFailure.Other) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
    public DeliveryFailure Kind { get; } = kind;
}

/// <summary>
/// One provider for one channel (capture, SMTP, Brevo, Twilio…). The dispatcher picks the configured one per
/// channel; delivery events come back later through callbacks or bounces.
/// </summary>
public interface IMessageSender
{
    string Name { get; }
    Channel Channel { get; }
    Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken ct);
}
