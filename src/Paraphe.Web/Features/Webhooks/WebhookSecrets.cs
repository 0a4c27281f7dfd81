using System.Security.Cryptography;
using Paraphe.Data.Records;
using StandardWebhooks;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>Endpoint secrets (<c>whsec_</c> + 32 random bytes in base64) and the Standard Webhooks signature header.</summary>
public static class WebhookSecrets
{
    public const string Prefix = "whsec_";

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// <c>v1,&lt;sig&gt;</c> with the current secret, then <c>v1,&lt;sig&gt;</c> with the previous one while its overlap lasts:
    /// a receiver that still knows only the old secret keeps verifying during the rotation.
    /// </summary>
    public static string SignatureHeader(WebhookEndpoint endpoint, string webhookId, DateTimeOffset timestamp, string body, DateTime now)
    {
        var signatures = new List<string> { new StandardWebhook(endpoint.Secret).Sign(webhookId, timestamp, body) };
        if (endpoint.PreviousSecret is { } previous && endpoint.PreviousSecretExpiresAt is { } until && now < until)
            signatures.Add(new StandardWebhook(previous).Sign(webhookId, timestamp, body));
        return string.Join(' ', signatures);
    }
}
