using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>`GET /webhooks/{id}/deliveries`: the endpoint's delivery log, newest first, paged.</summary>
public static class ListWebhookDeliveries
{
    public static async Task<Paged<WebhookDeliveryResponse>> HandleAsync(ParapheDbContext db, ClaimsPrincipal actor, string id, int? page,
        int? pageSize, CancellationToken ct)
    {
        var endpoint = await UpdateWebhook.FindAsync(db, actor, id, ct);
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == endpoint.Id)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id);
        return await Paged<WebhookDeliveryResponse>.OfAsync(query, page, pageSize, d => d.ToResponse(), ct);
    }
}
