using System.Security.Cryptography;
using System.Text;

namespace Paraphe.Web.Features.Notifications.Sms;

/// <summary>
/// Twilio's request signature (`X-Twilio-Signature`): base64 HMAC-SHA1, keyed with the account's auth token, of the
/// full URL Twilio called (scheme, host, path, query) followed by every POST parameter sorted by name, each name
/// then value, with no separators.
/// </summary>
public static class TwilioSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form) =>
        Callbacks.CallbackSecrets.Hmac(HashAlgorithmName.SHA1, authToken, Data(url, form));

    private static string Data(string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal)) data.Append(name).Append(value);
        return data.ToString();
    }

    /// <summary>Constant-time comparison; a missing signature or token never matches.</summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form, string? signature)
        => Callbacks.CallbackSecrets.HmacMatches(HashAlgorithmName.SHA1, authToken, Data(url, form), signature);
}
