namespace Paraphe.Web.Features.Notifications.Sms;

/// <summary>`Paraphe:Sms:Twilio`: the Twilio account that sends SMS (used when it is the provider or the fallback).</summary>
public sealed class TwilioOptions
{
    public string AccountSid { get; set; } = "";
    /// <summary>Authenticates our API calls and signs Twilio's status callbacks. Never logged.</summary>
    public string AuthToken { get; set; } = "";
    /// <summary>A Twilio number (E.164) or an alphanumeric sender; used when the agency has no valid SMS sender name.</summary>
    public string From { get; set; } = "";
    public string BaseUrl { get; set; } = "https://api.twilio.com";
    /// <summary>A call that takes longer is a temporary failure (retried, or sent through the fallback).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>`Paraphe:Sms:Brevo`: Brevo transactional SMS.</summary>
public sealed class BrevoSmsOptions
{
    /// <summary>The `api-key` header of every call. Never logged.</summary>
    public string ApiKey { get; set; } = "";
    /// <summary>Sender name (≤ 11 letters or digits) used when the agency has no valid SMS sender name.</summary>
    public string Sender { get; set; } = "Paraphe";
    public string BaseUrl { get; set; } = "https://api.brevo.com";
    /// <summary>
    /// Brevo's delivery events must carry it: each message's `webUrl` embeds it as the password of the URL
    /// (`https://paraphe:secret@host/…`, Brevo's documented username/password webhook authentication, sent as HTTP
    /// Basic), and an account-level webhook may send it as a bearer token instead.
    /// </summary>
    public string WebhookSecret { get; set; } = "";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>`Paraphe:Sms:Failover`: when the primary provider is considered down and for how long.</summary>
public sealed class SmsFailoverOptions
{
    /// <summary>Consecutive temporary failures of the primary after which every message goes to the fallback.</summary>
    public int FailuresBeforeOpen { get; set; } = 2;
    /// <summary>How long the primary is left alone before one message tries it again.</summary>
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromSeconds(60);
}
