namespace Paraphe.Web.Features.Notifications.Email.Brevo;

/// <summary>
/// `Paraphe:Email:Brevo`: Brevo's transactional email API (used when `Paraphe:Email:Provider` = `brevo`) and the
/// secret its webhook presents to `/callbacks/email/brevo`. Secrets come from configuration only and are never logged.
/// </summary>
public sealed class BrevoEmailOptions
{
    public const string Section = "Paraphe:Email:Brevo";

    /// <summary>The `api-key` header of every call (Brevo → SMTP &amp; API → API keys).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Brevo's public endpoint; overridden only to point at a simulator.</summary>
    public string BaseUrl { get; set; } = "https://api.brevo.com";

    /// <summary>
    /// What Brevo's webhook must present: `Authorization: Bearer &lt;secret&gt;` (the webhook's `auth` token) or the
    /// password of the basic-auth credentials embedded in the webhook URL. Without it every webhook is refused.
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>One send call; past it the message is retried (temporary failure).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
