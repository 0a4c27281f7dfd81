using System.Text.RegularExpressions;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Notifications.Email;

/// <summary>
/// Variable envelope return paths: `bounces@paraphe.example` + `ntf_…` → `bounces+ntf_…@paraphe.example`, so a DSN
/// names the notification it is about whatever the reporting server puts in it.
/// </summary>
public static partial class Verp
{
    public static string Address(string bounceAddress, string notificationId)
    {
        var (local, domain) = Split(bounceAddress);
        return $"{local}+{notificationId}@{domain}";
    }

    /// <summary>The notification id in a VERP address of <paramref name="bounceAddress"/>, or null.</summary>
    public static string? NotificationId(string bounceAddress, string address)
    {
        var (local, domain) = Split(bounceAddress);
        var at = address.LastIndexOf('@');
        if (at <= 0 || !string.Equals(address[(at + 1)..], domain, StringComparison.OrdinalIgnoreCase)) return null;
        var prefix = local + "+";
        var user = address[..at];
        if (!user.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var id = user[prefix.Length..];
        // Ids are lower-case; an MTA that upper-cases local parts must not lose the match.
        return NotificationIdPattern().IsMatch(id) ? id.ToLowerInvariant() : null;
    }

    /// <summary>Whether <paramref name="address"/> is the bounce address itself or one of its VERP forms.</summary>
    public static bool IsBounceMailbox(string bounceAddress, string user, string host)
    {
        var (local, domain) = Split(bounceAddress);
        return string.Equals(host, domain, StringComparison.OrdinalIgnoreCase)
               && (string.Equals(user, local, StringComparison.OrdinalIgnoreCase)
                   || user.StartsWith(local + "+", StringComparison.OrdinalIgnoreCase));
    }

    public static string Domain(string address) => Split(address).Domain;

    private static (string Local, string Domain) Split(string address)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1) throw new FormatException($"'{address}' is not an email address.");
        return (address[..at], address[(at + 1)..]);
    }

    [GeneratedRegex("^ntf_[0-9a-f]{32}$", RegexOptions.IgnoreCase)]
    private static partial Regex NotificationIdPattern();
}

/// <summary>RFC 3463 enhanced status codes (`5.1.1`) → the stable failure kinds the diagnosis reasons on.</summary>
public static partial class SmtpStatus
{
    /// <summary>The first enhanced status code in <paramref name="text"/> (`550 5.1.1 User unknown` → `5.1.1`).</summary>
    public static string? Find(string? text) => text is null ? null : EnhancedCode().Match(text) is { Success: true } m ? m.Value : null;

    public static DeliveryFailure Kind(string? enhancedCode) => enhancedCode switch
    {
        "5.1.1" or "5.1.0" => DeliveryFailure.MailboxUnknown,
        "5.1.2" or "5.4.4" => DeliveryFailure.DomainUnknown,
        { } c when c.StartsWith("5.7.", StringComparison.Ordinal) => DeliveryFailure.Blocked,
        _ => DeliveryFailure.Other,
    };

    [GeneratedRegex(@"\b[245]\.\d{1,3}\.\d{1,3}\b")]
    private static partial Regex EnhancedCode();
}
