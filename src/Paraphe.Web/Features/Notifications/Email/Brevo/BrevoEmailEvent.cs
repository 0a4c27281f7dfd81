using System.Text.Json;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;

namespace Paraphe.Web.Features.Notifications.Email.Brevo;

/// <summary>
/// One event of Brevo's transactional email webhook, as documented at https://developers.brevo.com/docs/transactional-webhooks:
/// `event`, `email`, `message-id`, `X-Mailin-custom` (the header we set), `reason`, `ts_event` (seconds, UTC),
/// `ts_epoch` (milliseconds, UTC), `date` (local time of Brevo's account: not used), `tags`.
/// </summary>
public sealed record BrevoEmailEvent(string Event, string? Email, string? MessageId, string? Custom, string? Reason, DateTime At)
{
    /// <summary>Null when <paramref name="e"/> is not an object with an `event`.</summary>
    public static BrevoEmailEvent? Parse(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || Str(e, "event") is not { Length: > 0 } name) return null;
        return new BrevoEmailEvent(name.Trim().ToLowerInvariant(), Str(e, "email"), Str(e, "message-id"),
            Str(e, BrevoEmailSender.CustomHeader), Str(e, "reason"), Time(e));
    }

    /// <summary>Which message: the notification id we put in `X-Mailin-custom`, else Brevo's `message-id`.</summary>
    public MessageRef Message => new(BrevoEmailSender.ProviderName, NotificationId(Custom), MessageId, Channel.Email);

    /// <summary>
    /// What the event says about delivery, or null when it says nothing Paraphe records:
    /// <list type="bullet">
    /// <item>`request` / `sent` → sent (confirms a message still on its way out).</item>
    /// <item>`delivered` → delivered; an open or a click (`opened`, `unique_opened`, `proxy_open`, `unique_proxy_open`,
    /// `click`) proves it too when the `delivered` event is missing or late.</item>
    /// <item>`deferred`, `soft_bounce` → deferred: Brevo holds the message and keeps trying.</item>
    /// <item>`hard_bounce` → failed, mailbox unknown (domain unknown when the reason says so); `blocked` → failed, blocked;
    /// `invalid_email` → failed, invalid address; `error` → failed.</item>
    /// <item>`spam` → failed, spam complaint — which a final message ignores: a complaint comes after delivery, and a
    /// delivered message stays delivered (the complaint is logged).</item>
    /// <item>`unsubscribed` and anything else → nothing.</item>
    /// </list>
    /// </summary>
    public DeliveryReport? Report
    {
        get
        {
            const string p = BrevoEmailSender.ProviderName;
            var detail = string.IsNullOrWhiteSpace(Reason) ? Event : $"{Event} : {Reason.Trim()}";
            // Webhook payloads say `hard_bounce`, the webhook settings `hardBounce`: both are read the same way.
            return Event.Replace("_", "", StringComparison.Ordinal) switch
            {
                "request" or "sent" => new DeliveryReport(DeliveryStatus.Sent, At, "accepté par brevo", Provider: p),
                "delivered" => new DeliveryReport(DeliveryStatus.Delivered, At, detail, Provider: p),
                "opened" or "uniqueopened" or "proxyopen" or "uniqueproxyopen" or "click" =>
                    new DeliveryReport(DeliveryStatus.Delivered, At, $"{Event} (remis : le message a été ouvert)", Provider: p),
                "deferred" or "softbounce" => new DeliveryReport(DeliveryStatus.Deferred, At, detail, Provider: p),
                "hardbounce" => new DeliveryReport(DeliveryStatus.Failed, At, detail, HardBounceKind(Reason), p),
                "blocked" => new DeliveryReport(DeliveryStatus.Failed, At, detail, DeliveryFailure.Blocked, p),
                "invalidemail" or "invalid" => new DeliveryReport(DeliveryStatus.Failed, At, detail, DeliveryFailure.InvalidAddress, p),
                "spam" => new DeliveryReport(DeliveryStatus.Failed, At, detail, DeliveryFailure.SpamComplaint, p),
                "error" => new DeliveryReport(DeliveryStatus.Failed, At, detail, DeliveryFailure.Other, p),
                _ => null,
            };
        }
    }

    /// <summary>A hard bounce is an unknown mailbox unless the receiving server's words say the domain is the problem.</summary>
    public static DeliveryFailure HardBounceKind(string? reason)
    {
        if (SmtpStatus.Find(reason) is { } code && code.StartsWith("5.", StringComparison.Ordinal)
            && SmtpStatus.Kind(code) is var kind and not DeliveryFailure.Other)
            return kind;
        if (reason is null) return DeliveryFailure.MailboxUnknown;
        string[] domain = ["domain not found", "domain does not exist", "no such domain", "host not found", "nxdomain",
            "no mx", "unrouteable", "unroutable", "domaine inexistant"];
        return domain.Any(d => reason.Contains(d, StringComparison.OrdinalIgnoreCase))
            ? DeliveryFailure.DomainUnknown : DeliveryFailure.MailboxUnknown;
    }

    /// <summary>`ntf_…` alone or as one `key:value` of a `|`-separated `X-Mailin-custom`; anything else is not ours.</summary>
    public static string? NotificationId(string? custom)
    {
        if (string.IsNullOrWhiteSpace(custom)) return null;
        foreach (var part in custom.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var value = part.Contains(':', StringComparison.Ordinal) ? part[(part.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() : part;
            if (value.StartsWith("ntf_", StringComparison.Ordinal) && value.Length <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                return value;
        }
        return null;
    }

    /// <summary>
    /// When it happened: the later of `ts_epoch` (ms) and `ts_event` (s). The documentation describes `ts_epoch` as the
    /// time the message was sent and `ts_event` as the time of the event, at a second's resolution: the later of the two
    /// never makes an event look older than the send it follows.
    /// </summary>
    private static DateTime Time(JsonElement e)
    {
        // Out of range (negative, 1e30, an overflow): as if absent. Default: recorded at the time it arrives.
        var ms = Long(e, "ts_epoch") is { } epoch ? CallbackBody.FromUnix(epoch, milliseconds: true) : default;
        var s = (Long(e, "ts_event") ?? Long(e, "ts")) is { } seconds ? CallbackBody.FromUnix(seconds, milliseconds: false) : default;
        return ms > s ? ms : s;
    }

    private static string? Str(JsonElement e, string name)
    {
        foreach (var p in e.EnumerateObject())
        {
            if (!string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) continue;
            return CallbackBody.Text(p.Value);
        }
        return null;
    }

    private static long? Long(JsonElement e, string name) =>
        Str(e, name) is { } s && long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : null;
}
