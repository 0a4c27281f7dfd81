using Paraphe.Domain.Notifications;
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
        services.AddSingleton<IMessageSender>(sp => ActivatorUtilities.CreateInstance<CaptureSender>(sp, Channel.Email));
        services.AddSingleton<IMessageSender>(sp => ActivatorUtilities.CreateInstance<CaptureSender>(sp, Channel.Sms));
        services.AddSingleton<SenderRegistry>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return builder;
    }
}
