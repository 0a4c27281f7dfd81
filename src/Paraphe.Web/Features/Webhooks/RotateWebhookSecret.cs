using System.Security.Claims;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// `POST /webhooks/{id}/rotate-secret`: a new secret, shown once; the current one becomes the previous and keeps signing
/// (a second signature in <c>webhook-signature</c>) for <see cref="WebhookOptions.RotationOverlap"/>, so that the receiver
/// can switch without losing an event. A second rotation within the overlap drops the oldest secret.
/// </summary>
public static class RotateWebhookSecret
{
    public static async Task<WebhookEndpoint> HandleAsync(ParapheDbContext db, HttpContext? http, ClaimsPrincipal actor, string id,
        TimeSpan overlap, CancellationToken ct)
    {
        var endpoint = await UpdateWebhook.FindAsync(db, actor, id, ct);
        var now = db.UtcNow;
        endpoint.PreviousSecret = endpoint.Secret;
        endpoint.PreviousSecretExpiresAt = now + overlap;
        endpoint.Secret = WebhookSecrets.New();
        endpoint.UpdatedAt = now;
        endpoint.Version++;
        AgencyJournal.Record(db, JournalKind.WebhookSecretRotated, http, endpoint.AgencyId, actor, null,
            $"{endpoint.Url} — ancien secret valable jusqu'au {endpoint.PreviousSecretExpiresAt:yyyy-MM-dd HH:mm} UTC");
        await db.SaveChangesAsync(ct);
        return endpoint;
    }
}
