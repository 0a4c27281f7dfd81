using System.Security.Cryptography;
using System.Text;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Completion;

/// <summary>
/// Links to download a signed document, one per message (a signer's, the agent's, the notary's): the message id and
/// an HMAC of it (256 bits), so nothing secret is stored and a link can be traced to the message that carried it.
/// Valid <see cref="Validity"/> from the message's creation.
/// </summary>
public sealed class DownloadLinks(SigningLinks signingLinks)
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(30);

    /// <summary>A link's downloads from one client address are audited once in this long (see <see cref="DownloadEndpoint"/>).</summary>
    public static readonly TimeSpan RecordOncePer = TimeSpan.FromHours(1);

    private readonly byte[] _key = signingLinks.DeriveKey("paraphe-download-key");

    public string UrlFor(string notificationId) => $"{signingLinks.BaseUrl}/telechargement/{notificationId}/{MacFor(notificationId)}";

    public bool IsValid(string notificationId, string mac) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(MacFor(notificationId)), Encoding.ASCII.GetBytes(mac));

    public static DateTime ExpiresAt(Notification n) => n.CreatedAt + Validity;

    public static bool CarriesDownload(Purpose purpose) => purpose is Purpose.Completion or Purpose.Notary;

    private string MacFor(string notificationId) =>
        ApiKeys.Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("download:" + notificationId)));
}
