using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Paraphe.Web.Features.Notifications.Callbacks;

/// <summary>
/// The one way provider callbacks are authenticated (Twilio's signature, Brevo's SMS and email webhooks): a shared
/// secret presented as `Bearer` or as the `Basic` password, or an HMAC of the request; always compared in constant
/// time, on SHA-256 digests so that neither content nor length leaks; nothing configured means nobody gets in.
/// </summary>
public static class CallbackSecrets
{
    /// <summary>Whether <paramref name="presented"/> is <paramref name="expected"/> (constant time; empty never matches).</summary>
    public static bool Matches(string? presented, string? expected)
    {
        if (string.IsNullOrEmpty(presented) || string.IsNullOrEmpty(expected)) return false;
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    /// <summary>
    /// `Authorization: Bearer &lt;secret&gt;`, or `Basic` whose password (any user name) is the secret, matches
    /// <paramref name="secret"/>. <paramref name="passwordIsUrlEscaped"/>: the password came from a URL's user-info
    /// (Brevo SMS's `webUrl`), so it is unescaped first.
    /// </summary>
    public static bool BearerOrBasicMatches(string? authorization, string? secret, bool passwordIsUrlEscaped = false)
    {
        if (string.IsNullOrEmpty(secret) || !AuthenticationHeaderValue.TryParse(authorization, out var header) || header.Parameter is null)
            return false;
        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) return Matches(header.Parameter.Trim(), secret);
        if (!header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter.Trim()));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) return false;
            var password = pair[(colon + 1)..];
            return Matches(passwordIsUrlEscaped ? Uri.UnescapeDataString(password) : password, secret);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>A base64 HMAC signature (<paramref name="signature"/>) of <paramref name="data"/> under <paramref name="key"/>.</summary>
    public static bool HmacMatches(HashAlgorithmName algorithm, string? key, string data, string? signature)
    {
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(signature)) return false;
        return Matches(signature, Hmac(algorithm, key, data));
    }

    public static string Hmac(HashAlgorithmName algorithm, string key, string data) =>
        Convert.ToBase64String(CryptographicOperations.HmacData(algorithm, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(data)));
}
