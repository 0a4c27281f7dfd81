using System.Security.Cryptography;
using System.Text;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// Set-password links (invitation, reset): the token is an HMAC of the email's notification id under a key of its own
/// (256 bits, unguessable), so it is never stored — the database keeps its SHA-256 and the dispatcher derives it again
/// when it sends, as it does for signing links.
/// </summary>
public sealed class AccountLinks(SigningLinks signingLinks)
{
    private readonly byte[] _key = signingLinks.DeriveKey("paraphe-account-link-key");

    public string TokenFor(string notificationId) =>
        ApiKeys.Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("account:" + notificationId)));

    public static string Hash(string token) => SigningLinks.Hash(token);

    public string UrlFor(string notificationId) => $"{signingLinks.BaseUrl}/mot-de-passe/{TokenFor(notificationId)}";
}
