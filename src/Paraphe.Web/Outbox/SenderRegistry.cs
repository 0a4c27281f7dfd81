using Microsoft.Extensions.Options;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications;

namespace Paraphe.Web.Outbox;

/// <summary>Picks the configured provider for each channel (`Paraphe:Email:Provider`, `Paraphe:Sms:Provider`).</summary>
public sealed class SenderRegistry(IEnumerable<IMessageSender> senders,
    IOptionsMonitor<ChannelOptions> channels)
{
    public IMessageSender For(Channel channel)
    {
        var name = channels.Get(channel == Channel.Email ? "Email" : "Sms").Provider;
        return senders.FirstOrDefault(s => s.Channel == channel && string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
               ?? throw new InvalidOperationException($"No {channel} provider named '{name}' is registered.");
    }

    public bool IsCapture(Channel channel) =>
        string.Equals(channels.Get(channel == Channel.Email ? "Email" : "Sms").Provider, CaptureSender.ProviderName,
            StringComparison.OrdinalIgnoreCase);
}
