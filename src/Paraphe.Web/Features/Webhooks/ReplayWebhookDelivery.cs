using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// `POST /webhooks/{id}/deliveries/{delivery_id}/replay` (« Renvoyer »): a new delivery of the same event — the same
/// <c>webhook-id</c> and payload, so a receiver that already has it recognises it — due at once, with its own attempts.
/// </summary>
public static class ReplayWebhookDelivery
{
    public static async Task<WebhookDelivery> HandleAsync(ParapheDbContext db, WebhookSignal signal, ClaimsPrincipal actor, string id,
        string deliveryId, CancellationToken ct)
    {
        var endpoint = await UpdateWebhook.FindAsync(db, actor, id, ct);
        TextInput.Ensure("delivery_id", deliveryId, TextInput.Id);
        var original = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == endpoint.Id, ct)
                       ?? throw new DomainException(ErrorCodes.NotFound, "Livraison introuvable.");
        if (!endpoint.Enabled)
            throw new DomainException(ErrorCodes.InvalidTransition, "Ce webhook est désactivé : réactivez-le avant de renvoyer un événement.");
        var now = db.UtcNow;
        var replay = new WebhookDelivery
        {
            Id = Ids.New("whd"), AgencyId = original.AgencyId, EndpointId = endpoint.Id, EventId = original.EventId, Type = original.Type,
            Payload = original.Payload, ProcedureId = original.ProcedureId, ReplayOf = original.Id, CreatedAt = now, NextAttemptAt = now,
        };
        db.WebhookDeliveries.Add(replay);
        await db.SaveChangesAsync(ct);
        signal.Notify();
        return replay;
    }
}
