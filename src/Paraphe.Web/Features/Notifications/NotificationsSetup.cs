using Microsoft.Extensions.Options;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Features.Notifications.Email;
using Paraphe.Web.Features.Notifications.Email.Brevo;
using Paraphe.Web.Features.Notifications.Sms;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.Notifications;

public static class NotificationsSetup
{
    /// <summary>The providers of both channels and the outbox dispatcher.</summary>
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ChannelOptions>("Email").BindConfiguration("Paraphe:Email");
        services.AddOptions<ChannelOptions>("Sms").BindConfiguration("Paraphe:Sms");
        services.AddOptions<OutboxOptions>().BindConfiguration("Paraphe:Outbox");
        services.AddOptions<SmsFailoverOptions>("Email").BindConfiguration("Paraphe:Email:Failover"); // `Paraphe:Email:Fallback`'s breaker
        services.AddSingleton<IMessageSender>(sp => ActivatorUtilities.CreateInstance<CaptureSender>(sp, Channel.Email));
        services.AddSingleton<IMessageSender>(sp => ActivatorUtilities.CreateInstance<CaptureSender>(sp, Channel.Sms));
        services.AddOptions<SmtpOptions>().BindConfiguration("Paraphe:Email:Smtp")
            .Validate<IOptionsMonitor<ChannelOptions>>((o, ch) => !UsesSmtp(ch) || (!string.IsNullOrWhiteSpace(o.Host) && o.Port is > 0 and < 65536),
                "Paraphe:Email:Smtp:Host and Port are required when Paraphe:Email:Provider is smtp.")
            .ValidateOnStart();
        services.AddOptions<BounceOptions>().BindConfiguration("Paraphe:Email")
            .Validate(o => o.BounceListener.Port == 0 || !string.IsNullOrWhiteSpace(o.BounceAddress),
                "Paraphe:Email:BounceAddress is required when Paraphe:Email:BounceListener:Port is set.")
            .Validate(o => string.IsNullOrWhiteSpace(o.BounceAddress) || o.BounceAddress.IndexOf('@') is > 0 and var at && at < o.BounceAddress.Length - 1,
                "Paraphe:Email:BounceAddress must be an email address (bounces@your-domain).")
            .Validate(o => System.Net.IPAddress.TryParse(o.BounceListener.Host, out _) && o.BounceListener.Port is >= 0 and < 65536,
                "Paraphe:Email:BounceListener:Host must be an IP address (127.0.0.1, 0.0.0.0) and Port a TCP port.")
            .ValidateOnStart();
        services.AddSingleton<IMessageSender, SmtpSender>();
        services.AddSmsProviders();
        services.AddBrevoEmail();
        services.AddSingleton<BounceProcessor>();
        services.AddHostedService<BounceListener>();
        services.AddSingleton<CallbackUrls>();
        services.AddSingleton<SenderRegistry>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return builder;
    }

    private static bool UsesSmtp(IOptionsMonitor<ChannelOptions> channels) =>
        string.Equals(channels.Get("Email").Provider, SmtpSender.ProviderName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(channels.Get("Email").Fallback, SmtpSender.ProviderName, StringComparison.OrdinalIgnoreCase);
}
