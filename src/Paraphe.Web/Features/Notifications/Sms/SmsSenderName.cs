using System.Text.RegularExpressions;

namespace Paraphe.Web.Features.Notifications.Sms;

/// <summary>The sender shown on the client's phone: the agency's name when operators accept it, else the configured one.</summary>
internal static partial class SmsSenderName
{
    /// <summary>An alphanumeric sender ID: 1–11 ASCII letters, digits or spaces, at least one letter (all digits is a number).</summary>
    public static bool IsAlphanumericSender(string? s) => s is not null && AlphanumericSender().IsMatch(s);

    public static string Pick(string? agencySender, string configured) =>
        IsAlphanumericSender(agencySender?.Trim()) ? agencySender!.Trim() : configured;

    [GeneratedRegex("^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")]
    private static partial Regex AlphanumericSender();
}
