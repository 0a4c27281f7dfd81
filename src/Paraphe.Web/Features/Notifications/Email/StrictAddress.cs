using MimeKit;

namespace Paraphe.Web.Features.Notifications.Email;

/// <summary>
/// Our own addresses (`Paraphe:Email:From`, the bounce address), parsed strictly with MimeKit: a bare
/// `local@domain.tld`, no display name, nothing MimeKit would silently repair (docs/DEVELOPMENT.md, « Stack facts »: every lenient parser has holes).
/// </summary>
public static class StrictAddress
{
    private static readonly ParserOptions Strict = CreateOptions();

    public static bool TryParse(string? value, out MailboxAddress address)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(value) || value != value.Trim()) return false;
        if (!MailboxAddress.TryParse(Strict, value, out var parsed) || parsed.Address != value || parsed.Name is { Length: > 0 }) return false;
        var at = value.LastIndexOf('@');
        var domain = value[(at + 1)..];
        if (at <= 0 || domain.Length < 3 || !domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.'))
            return false;
        address = parsed;
        return true;
    }

    public static bool IsValid(string? value) => TryParse(value, out _);

    private static ParserOptions CreateOptions()
    {
        var o = ParserOptions.Default.Clone();
        o.AddressParserComplianceMode = RfcComplianceMode.Strict;
        o.AllowAddressesWithoutDomain = false;
        return o;
    }
}
