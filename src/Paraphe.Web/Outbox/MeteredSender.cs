using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Platform.Observability;

namespace Paraphe.Web.Outbox;

/// <summary>
/// Counts each send by channel, the provider that answered (the fallback's name when it sent) and outcome, and traces
/// it as a span `paraphe.send`. Wraps whatever <see cref="SenderRegistry"/> picked, failover included.
/// </summary>
public sealed class MeteredSender(IMessageSender inner, ParapheMetrics metrics) : IMessageSender
{
    public string Name => inner.Name;
    public Channel Channel => inner.Channel;
    public IMessageSender Inner => inner;

    public async Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        using var span = ParapheMetrics.Activities.StartActivity("paraphe.send");
        span?.SetTag("paraphe.channel", ParapheMetrics.Label(Channel));
        span?.SetTag("paraphe.notification_id", message.NotificationId);
        try
        {
            var receipt = await inner.SendAsync(message, ct);
            metrics.MessageSent(Channel, receipt.Provider, SendOutcome.Accepted);
            span?.SetTag("paraphe.provider", receipt.Provider);
            return receipt;
        }
        catch (SendFailedException e)
        {
            metrics.MessageSent(Channel, inner.Name, e.Permanent ? SendOutcome.Refused : SendOutcome.Failed);
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Permanent ? "refused" : "failed");
            throw;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            metrics.MessageSent(Channel, inner.Name, SendOutcome.Failed);
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "failed");
            throw;
        }
    }
}
