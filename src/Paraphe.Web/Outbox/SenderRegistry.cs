using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Features.Notifications.Sms;

namespace Paraphe.Web.Outbox;

/// <summary>
/// Picks the configured provider for each channel (`Paraphe:Email:Provider`, `Paraphe:Sms:Provider`), wrapped in a
/// <see cref="FailoverSender"/> when the channel names a different `Fallback`. One failover (and one breaker) per
/// configuration, kept for the life of the app. Both channels: `Paraphe:Sms:Failover` and `Paraphe:Email:Failover` tune their breakers.
/// </summary>
public sealed class SenderRegistry(IEnumerable<IMessageSender> senders,
    IOptionsMonitor<ChannelOptions> channels, IOptionsMonitor<SmsFailoverOptions> failover, TimeProvider clock,
    ILoggerFactory logs, Platform.Observability.ParapheMetrics metrics)
{
    private readonly ConcurrentDictionary<(Channel, string, string), FailoverSender> failovers = new();

    /// <summary>The channel's sender, counted (<see cref="MeteredSender"/>).</summary>
    public IMessageSender For(Channel channel) => new MeteredSender(Unmetered(channel), metrics);

    private IMessageSender Unmetered(Channel channel)
    {
        var options = channels.Get(Section(channel));
        var primary = Named(channel, options.Provider);
        if (string.IsNullOrWhiteSpace(options.Fallback) || string.Equals(options.Fallback, options.Provider, StringComparison.OrdinalIgnoreCase))
            return primary;
        var fallback = Named(channel, options.Fallback);
        return failovers.GetOrAdd((channel, primary.Name, fallback.Name), _ =>
        {
            var o = channel == Channel.Email ? failover.Get("Email") : failover.CurrentValue;
            return new FailoverSender(primary, fallback, new FailoverBreaker(o.FailuresBeforeOpen, o.CoolDown, clock),
                logs.CreateLogger<FailoverSender>());
        });
    }

    public bool IsCapture(Channel channel) =>
        string.Equals(channels.Get(Section(channel)).Provider, CaptureSender.ProviderName, StringComparison.OrdinalIgnoreCase);

    private IMessageSender Named(Channel channel, string name) =>
        senders.FirstOrDefault(s => s.Channel == channel && string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"No {channel} provider named '{name}' is registered.");

    private static string Section(Channel channel) => channel == Channel.Email ? "Email" : "Sms";
}
