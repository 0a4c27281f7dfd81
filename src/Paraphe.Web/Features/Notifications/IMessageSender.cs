using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Notifications;

/// <summary>A rendered message, ready for a provider.</summary>
public sealed record OutgoingMessage(
    string NotificationId, string AgencyId, Channel Channel, string To, string FromName, string? SmsSender,
    string? Subject, string Text, string? Html);

/// <param name="ProviderMessageId">the provider's id for the message, used to match its delivery events.</param>
public sealed record SendReceipt(string Provider, string? ProviderMessageId);

/// <summary>Thrown by a provider. Temporary failures are retried with backoff; permanent ones never blindly.</summary>
public sealed class SendFailedException(string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
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
