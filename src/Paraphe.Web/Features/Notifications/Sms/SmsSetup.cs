using Paraphe.Web.Platform;
using Microsoft.Extensions.Options;

namespace Paraphe.Web.Features.Notifications.Sms;

/// <summary>The SMS providers (Twilio, Brevo), their delivery callbacks and the failover settings.</summary>
public static class SmsSetup
{
    private static readonly string[] Providers = [CaptureSender.ProviderName, TwilioSender.ProviderName, BrevoSmsSender.ProviderName];

    public static IServiceCollection AddSmsProviders(this IServiceCollection services)
    {
        services.AddOptions<ChannelOptions>("Sms")
            .Validate(o => Providers.Contains(o.Provider, StringComparer.OrdinalIgnoreCase)
                           && (string.IsNullOrWhiteSpace(o.Fallback) || Providers.Contains(o.Fallback, StringComparer.OrdinalIgnoreCase)),
                "Paraphe:Sms:Provider and Paraphe:Sms:Fallback must be capture, twilio or brevo.")
            .ValidateOnStart();
        services.AddOptions<TwilioOptions>().BindConfiguration("Paraphe:Sms:Twilio")
            .Validate<IOptionsMonitor<ChannelOptions>>((o, ch) => !Uses(ch, TwilioSender.ProviderName)
                    || (!string.IsNullOrWhiteSpace(o.AccountSid) && !string.IsNullOrWhiteSpace(o.AuthToken) && !string.IsNullOrWhiteSpace(o.From)),
                "Paraphe:Sms:Twilio:AccountSid, AuthToken and From are required when Twilio sends SMS (provider or fallback).")
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _) && o.Timeout > TimeSpan.Zero,
                "Paraphe:Sms:Twilio:BaseUrl must be an absolute URL and Timeout positive.")
            .ValidateOnStart();
        services.AddOptions<BrevoSmsOptions>().BindConfiguration("Paraphe:Sms:Brevo")
            .Validate<IOptionsMonitor<ChannelOptions>>((o, ch) => !Uses(ch, BrevoSmsSender.ProviderName)
                    || (!string.IsNullOrWhiteSpace(o.ApiKey) && !string.IsNullOrWhiteSpace(o.WebhookSecret)),
                "Paraphe:Sms:Brevo:ApiKey and WebhookSecret are required when Brevo sends SMS (provider or fallback).")
            .Validate(o => SmsSenderName.IsAlphanumericSender(o.Sender) && Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _) && o.Timeout > TimeSpan.Zero,
                "Paraphe:Sms:Brevo:Sender must be 1–11 letters or digits, BaseUrl an absolute URL and Timeout positive.")
            .ValidateOnStart();
        services.AddOptions<SmsFailoverOptions>().BindConfiguration("Paraphe:Sms:Failover");

        // Timeout and circuit breaker per provider (a timeout is a temporary failure, told apart from shutdown).
        services.AddProviderClient(TwilioSender.HttpClientName, sp => sp.GetRequiredService<IOptionsMonitor<TwilioOptions>>().CurrentValue.Timeout);
        services.AddProviderClient(BrevoSmsSender.HttpClientName, sp => sp.GetRequiredService<IOptionsMonitor<BrevoSmsOptions>>().CurrentValue.Timeout);
        services.AddSingleton<IMessageSender, TwilioSender>();
        services.AddSingleton<IMessageSender, BrevoSmsSender>();
        return services;
    }

    /// <summary>`/callbacks/sms/twilio` and `/callbacks/sms/brevo` on the anonymous callbacks group.</summary>
    public static RouteGroupBuilder MapSmsCallbacks(this RouteGroupBuilder callbacks)
    {
        callbacks.MapPost("/sms/twilio", TwilioStatusCallback.HandleAsync).WithName("TwilioStatusCallback");
        callbacks.MapPost("/sms/brevo", BrevoSmsWebhook.HandleAsync).WithName("BrevoSmsWebhook").WithBodyLimit(BodyLimit.Callback);
        return callbacks;
    }

    private static bool Uses(IOptionsMonitor<ChannelOptions> channels, string provider)
    {
        var sms = channels.Get("Sms");
        return string.Equals(sms.Provider, provider, StringComparison.OrdinalIgnoreCase)
               || string.Equals(sms.Fallback, provider, StringComparison.OrdinalIgnoreCase);
    }
}
