using System.Net;
using Microsoft.Extensions.Options;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Features.Notifications.Email;
using Paraphe.Web.Features.Notifications.Email.Brevo;
using Paraphe.Web.Features.Notifications.Sms;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Platform.Http;

namespace Paraphe.Web.Platform.Configuration;

/// <summary>
/// Every setting checked at start-up, in one table: a mistyped provider, an unparsable From address, a short secret
/// or a duration out of range stops the start with a sentence naming the key (<see cref="StartupFailure"/> prints it
/// and exits with code 2) instead of starting and then leaving messages stuck. In Production the demo settings are
/// refused too: the `capture` providers unless `Paraphe:Capture:AllowInProduction=true`, and a PublicBaseUrl that is
/// not https. The checks of the provider credentials that already lived with their provider stay there.
/// </summary>
public static class ConfigurationChecks
{
    public const int MinimumSecretLength = 16;

    private static readonly string[] EmailProviders = [CaptureSender.ProviderName, SmtpSender.ProviderName, BrevoEmailSender.ProviderName];
    private static readonly string[] SmsProviders = [CaptureSender.ProviderName, TwilioSender.ProviderName, BrevoSmsSender.ProviderName];

    public static WebApplicationBuilder AddConfigurationChecks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var production = builder.Environment.IsProduction();
        services.AddOptions<CaptureOptions>().BindConfiguration(CaptureOptions.Section);

        services.Check<ParapheOptions>((o, p) =>
        {
            p.AbsoluteUrl(o.PublicBaseUrl, "Paraphe:PublicBaseUrl", httpsOnly: production);
            p.Unless(!string.IsNullOrWhiteSpace(o.DataDirectory), "Paraphe:DataDirectory est vide : donnez le dossier des données de Paraphe.");
            p.Unless(o.Database is null || o.Database.Trim().ToLowerInvariant() is "sqlite" or "postgres" or "postgresql",
                $"Paraphe:Database « {o.Database} » est inconnu : sqlite ou postgres.");
            p.Unless(o.SigningKey is null || IsKey(o.SigningKey, 32),
                "Paraphe:SigningKey doit être une clé de 32 octets en base64 (openssl rand -base64 32), ou absent (clé générée une fois dans la base de données).");
            p.InRange(o.MaxUploadMegabytes, 1, 1024, "Paraphe:MaxUploadMegabytes");
            p.Secret(string.IsNullOrEmpty(o.Demo.ApiKey) ? null : o.Demo.ApiKey, MinimumSecretLength, "Paraphe:Demo:ApiKey");
        });
        services.Check<ChannelOptions>(sp => (o, p) => Channel(o, p, "Email", EmailProviders, production, sp), "Email");
        services.Check<ChannelOptions>(sp => (o, p) => Channel(o, p, "Sms", SmsProviders, production, sp), "Sms");
        services.Check<ChannelOptions>((o, p) => p.Unless(StrictAddress.IsValid(o.From),
            $"Paraphe:Email:From « {o.From} » n'est pas une adresse email valable : une adresse nue comme signature@votre-domaine.fr (le nom de l'agence est ajouté à l'envoi)."),
            "Email");
        services.Check<OutboxOptions>((o, p) =>
        {
            p.InRange(o.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10), "Paraphe:Outbox:PollInterval");
            p.InRange(o.BatchSize, 1, 1000, "Paraphe:Outbox:BatchSize");
            p.InRange(o.Concurrency, 1, 64, "Paraphe:Outbox:Concurrency");
            p.InRange(o.SendingLease, TimeSpan.FromSeconds(10), TimeSpan.FromDays(1), "Paraphe:Outbox:SendingLease");
            p.InRange(o.RetryFor, TimeSpan.Zero, TimeSpan.FromDays(30), "Paraphe:Outbox:RetryFor");
            p.InRange(o.AttachSignedDocumentUpToKilobytes, 0, 25 * 1024, "Paraphe:Outbox:AttachSignedDocumentUpToKilobytes");
        });
        services.Check<IdempotencyOptions>((o, p) => p.InRange(o.Lease, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1), "Paraphe:Idempotency:Lease"));
        services.Check<SmtpOptions>((o, p) =>
        {
            p.InRange(o.Port, 1, 65535, "Paraphe:Email:Smtp:Port");
            p.InRange(o.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), "Paraphe:Email:Smtp:Timeout");
            p.Unless(!(production && o.AcceptAnyCertificate),
                "Paraphe:Email:Smtp:AcceptAnyCertificate=true est réservé aux tests : en Production le certificat du serveur SMTP doit être vérifié.");
        });
        services.Check<BounceOptions>((o, p) =>
        {
            p.Unless(string.IsNullOrWhiteSpace(o.BounceAddress) || StrictAddress.IsValid(o.BounceAddress),
                $"Paraphe:Email:BounceAddress « {o.BounceAddress} » n'est pas une adresse email valable (bounces@votre-domaine.fr).");
            p.InRange(o.BounceListener.MaxMessageBytes, 1024, 100 * 1024 * 1024, "Paraphe:Email:BounceListener:MaxMessageBytes");
        });
        services.Check<BrevoEmailOptions>(sp => (o, p) =>
        {
            if (!Uses(sp, "Email", BrevoEmailSender.ProviderName)) return;
            p.Secret(o.ApiKey, MinimumSecretLength, "Paraphe:Email:Brevo:ApiKey");
            p.Secret(o.WebhookSecret, MinimumSecretLength, "Paraphe:Email:Brevo:WebhookSecret");
            p.InRange(o.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), "Paraphe:Email:Brevo:Timeout");
        });
        services.Check<TwilioOptions>(sp => (o, p) =>
        {
            if (!Uses(sp, "Sms", TwilioSender.ProviderName)) return;
            p.Secret(o.AuthToken, MinimumSecretLength, "Paraphe:Sms:Twilio:AuthToken");
            p.InRange(o.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), "Paraphe:Sms:Twilio:Timeout");
        });
        services.Check<BrevoSmsOptions>(sp => (o, p) =>
        {
            if (!Uses(sp, "Sms", BrevoSmsSender.ProviderName)) return;
            p.Secret(o.ApiKey, MinimumSecretLength, "Paraphe:Sms:Brevo:ApiKey");
            p.Secret(o.WebhookSecret, MinimumSecretLength, "Paraphe:Sms:Brevo:WebhookSecret");
            p.Unless(o.WebhookSecret.All(char.IsAsciiLetterOrDigit),
                "Paraphe:Sms:Brevo:WebhookSecret ne doit contenir que des lettres et des chiffres : il est écrit dans l'adresse de rappel donnée à Brevo.");
            p.InRange(o.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), "Paraphe:Sms:Brevo:Timeout");
        });
        services.Check<SmsFailoverOptions>((o, p) =>
        {
            p.InRange(o.FailuresBeforeOpen, 1, 100, "Paraphe:Sms:Failover:FailuresBeforeOpen");
            p.InRange(o.CoolDown, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), "Paraphe:Sms:Failover:CoolDown");
        });
        services.Check<SealingOptions>((o, p) =>
        {
            if (!string.IsNullOrWhiteSpace(o.TsaUrl)) p.AbsoluteUrl(o.TsaUrl, "Paraphe:Sealing:TsaUrl");
            p.InRange(o.TsaTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), "Paraphe:Sealing:TsaTimeout");
            p.Unless(string.IsNullOrWhiteSpace(o.CertificatePath) || File.Exists(o.CertificatePath),
                $"Paraphe:Sealing:CertificatePath « {o.CertificatePath} » : fichier introuvable (un PKCS#12 .pfx/.p12 lisible par Paraphe).");
        });
        services.Check<SealingWorkerOptions>((o, p) =>
        {
            p.InRange(o.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), "Paraphe:Sealing:Worker:PollInterval");
            p.InRange(o.Lease, TimeSpan.FromSeconds(10), TimeSpan.FromDays(1), "Paraphe:Sealing:Worker:Lease");
        });
        services.Check<ReminderSweepOptions>((o, p) =>
        {
            p.InRange(o.Interval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), "Paraphe:Reminders:Interval");
            p.InRange(o.BatchSize, 1, 10_000, "Paraphe:Reminders:BatchSize");
        });
        services.Check<ForwardedHeadersSettings>((o, p) =>
        {
            foreach (var proxy in o.KnownProxies)
                p.Unless(IPAddress.TryParse(proxy.Trim(), out _), $"Paraphe:ForwardedHeaders:KnownProxies « {proxy} » n'est pas une adresse IP (10.0.0.5, ::1).");
            foreach (var network in o.KnownNetworks)
                p.Unless(System.Net.IPNetwork.TryParse(network.Trim(), out _), $"Paraphe:ForwardedHeaders:KnownNetworks « {network} » n'est pas un réseau CIDR (10.0.0.0/8).");
        });
        services.Check<HttpsSettings>((o, p) => p.InRange(o.HstsMaxAge, TimeSpan.Zero, TimeSpan.FromDays(730), "Paraphe:Https:HstsMaxAge"));

        // Read straight from configuration by its feature; a non-number already fails with the key's name.
        var perMinute = builder.Configuration.GetValue<int?>("Paraphe:Verify:PerMinute") ?? 30;
        services.Check<ParapheOptions>((_, p) => p.InRange(perMinute, 1, 100_000, "Paraphe:Verify:PerMinute"));
        return builder;
    }

    private static void Channel(ChannelOptions o, OptionChecks<ChannelOptions>.Faults p, string channel, string[] providers,
        bool production, IServiceProvider services)
    {
        var known = string.Join(", ", providers);
        p.Unless(providers.Contains(o.Provider, StringComparer.OrdinalIgnoreCase),
            $"Paraphe:{channel}:Provider « {o.Provider} » est inconnu : {known}.");
        p.Unless(string.IsNullOrWhiteSpace(o.Fallback) || providers.Contains(o.Fallback, StringComparer.OrdinalIgnoreCase),
            $"Paraphe:{channel}:Fallback « {o.Fallback} » est inconnu : {known}, ou rien.");
        if (!production || services.GetRequiredService<IOptions<CaptureOptions>>().Value.AllowInProduction) return;
        foreach (var (key, value) in new[] { ("Provider", o.Provider), ("Fallback", o.Fallback) })
            p.Unless(!string.Equals(value, CaptureSender.ProviderName, StringComparison.OrdinalIgnoreCase),
                $"Paraphe:{channel}:{key} est « capture » en Production : rien ne serait envoyé et chaque lien de signature et " +
                $"chaque code seraient lisibles dans la boîte d'envoi de développement. Choisissez un vrai fournisseur " +
                $"({string.Join(", ", providers.Where(x => x != CaptureSender.ProviderName))}), ou posez Paraphe:Capture:AllowInProduction=true " +
                "pour un serveur de démonstration.");
    }

    private static bool Uses(IServiceProvider services, string channel, string provider)
    {
        var o = services.GetRequiredService<IOptionsMonitor<ChannelOptions>>().Get(channel);
        return string.Equals(o.Provider, provider, StringComparison.OrdinalIgnoreCase)
               || string.Equals(o.Fallback, provider, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsKey(string base64, int bytes)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written == bytes;
    }
}
