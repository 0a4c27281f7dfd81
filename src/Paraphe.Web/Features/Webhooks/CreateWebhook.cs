using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// `POST /webhooks`: a new endpoint of the agency, with a new secret shown once in the answer. At most
/// <see cref="MaxPerAgency"/> per agency: each event is written once per endpoint in its cause's transaction, and one
/// worker serves every agency, so hundreds of endpoints would slow the signers and delay the other agencies' deliveries.
/// </summary>
public static class CreateWebhook
{
    public const int MaxPerAgency = 20;

    public sealed record Request(string? Url, List<string?>? Events, string? Description);

    public static async Task<WebhookEndpoint> HandleAsync(ParapheDbContext db, HttpContext? http, ClaimsPrincipal actor, Request r,
        bool production, bool allowPrivate, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        WebhookInput.CheckUrl(errors, r.Url, production, allowPrivate);
        var events = WebhookInput.CheckEvents(errors, r.Events);
        WebhookInput.CheckDescription(errors, r.Description);
        var agencyId = actor.AgencyId();
        if (!errors.ContainsKey("url") && await db.WebhookEndpoints.CountAsync(e => e.AgencyId == agencyId, ct) >= MaxPerAgency)
            errors["url"] = [$"L'agence a déjà {MaxPerAgency} webhooks, le maximum : supprimez-en un avant d'en ajouter un autre."];
        TextInput.ThrowIfAny(errors);
        var now = db.UtcNow;
        var endpoint = new WebhookEndpoint
        {
            Id = Ids.New("whk"), AgencyId = actor.AgencyId(), Url = r.Url!.Trim(), Events = string.Join(' ', events),
            Description = TextInput.Clean(r.Description, WebhookInput.Description.MaxLength), Secret = WebhookSecrets.New(),
            CreatedAt = now, UpdatedAt = now,
        };
        db.WebhookEndpoints.Add(endpoint);
        AgencyJournal.Record(db, JournalKind.WebhookCreated, http, endpoint.AgencyId, actor, null,
            $"{endpoint.Url} ({string.Join(", ", events)})");
        await db.SaveChangesAsync(ct);
        return endpoint;
    }
}
