using System.Security.Claims;
using Paraphe.Data;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>`DELETE /webhooks/{id}`: the endpoint and its delivery log go; nothing more is sent to it.</summary>
public static class DeleteWebhook
{
    public static async Task HandleAsync(ParapheDbContext db, HttpContext? http, ClaimsPrincipal actor, string id, CancellationToken ct)
    {
        var endpoint = await UpdateWebhook.FindAsync(db, actor, id, ct);
        db.WebhookEndpoints.Remove(endpoint);
        AgencyJournal.Record(db, JournalKind.WebhookDeleted, http, endpoint.AgencyId, actor, null, endpoint.Url);
        await db.SaveChangesAsync(ct);
    }
}
