using Microsoft.Extensions.Options;

namespace Paraphe.Web.Features.Webhooks;

public static class WebhooksSetup
{
    /// <summary>Outgoing webhooks: the events written with their cause, the guarded client, the delivery worker.</summary>
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookEvents>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(sp => sp.GetRequiredService<WebhookEvents>());
        services.AddSingleton<WebhookAddressGuard>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDisabling>();
        services.AddSingleton<WebhookAttempts>();
        services.AddHttpClient(WebhookSender.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Never followed: a redirect could lead to an address the guard would refuse, or leak the signed body.
                AllowAutoRedirect = false,
                ConnectCallback = sp.GetRequiredService<WebhookAddressGuard>().ConnectAsync,
                UseProxy = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        services.AddSingleton<WebhookWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookWorker>());
        return builder;
    }
}
