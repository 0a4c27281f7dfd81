using Microsoft.Extensions.Options;

namespace Paraphe.Web.Features.Notifications.Email.Brevo;

public static class BrevoEmailSetup
{
    /// <summary>
    /// The Brevo email provider: its options (checked at start-up when `Paraphe:Email:Provider` is `brevo`), its HTTP
    /// client (timeout, no redirects) and its sender. The webhook is mapped by <see cref="BrevoEmailWebhook"/>.
    /// </summary>
    public static IServiceCollection AddBrevoEmail(this IServiceCollection services)
    {
        services.AddOptions<BrevoEmailOptions>().BindConfiguration(BrevoEmailOptions.Section)
            .Validate<IOptionsMonitor<ChannelOptions>>((o, ch) => !UsesBrevo(ch) || !string.IsNullOrWhiteSpace(o.ApiKey),
                "Paraphe:Email:Brevo:ApiKey is required when Paraphe:Email:Provider is brevo.")
            .Validate<IOptionsMonitor<ChannelOptions>>((o, ch) => !UsesBrevo(ch) || !string.IsNullOrWhiteSpace(o.WebhookSecret),
                "Paraphe:Email:Brevo:WebhookSecret is required when Paraphe:Email:Provider is brevo: Brevo's webhook must " +
                "present it (bearer token or basic-auth password) to report bounces and deliveries.")
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && u.Scheme is "https" or "http",
                "Paraphe:Email:Brevo:BaseUrl must be an absolute http(s) URL.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Paraphe:Email:Brevo:Timeout must be positive.")
            .ValidateOnStart();
        services.AddProviderClient(BrevoEmailSender.HttpClientName, sp => sp.GetRequiredService<IOptionsMonitor<BrevoEmailOptions>>().CurrentValue.Timeout);
        services.AddSingleton<IMessageSender, BrevoEmailSender>();
        return services;
    }

    private static bool UsesBrevo(IOptionsMonitor<ChannelOptions> channels) =>
        string.Equals(channels.Get("Email").Provider, BrevoEmailSender.ProviderName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(channels.Get("Email").Fallback, BrevoEmailSender.ProviderName, StringComparison.OrdinalIgnoreCase);
}
